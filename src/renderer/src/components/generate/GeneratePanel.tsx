import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { PresetInfo } from '../../../../shared/catalog';
import type { Project } from '../../../../shared/projects';
import { DEFAULT_TEXT_MODEL, METHOD_NAMES, PRESET_NAMES, type Run, type RunPlace, type RunRequest } from '../../../../shared/runs';
import { useStudioApi } from '../../api/context';
import { useStudioSelection } from '../../state/studio-selection';
import { useMethods } from '../methods/methods-context';
import { modelForConditioning, type Conditioning } from '../models/model-conditioning';
import { ModelPicker } from '../models/ModelPicker';
import { useModels } from '../models/models-context';
import { useAsyncAction } from '../useAsyncAction';
import {
  branchOverridesFromDraft,
  captionFeedsTextTeacher,
  draftFromRequest,
  initialDraft,
  OUTPUTS,
  runRequestFromDraft,
  withMethod,
  type GenerateDraft,
} from './generate-draft';
import { DescribedSelect } from './DescribedSelect';
import { IterationsField } from './IterationsField';
import { defaultSettings, type JsonSchema } from './json-schema-values';
import { PromptFields } from './PromptFields';
import { ReferenceImagePanel } from './ReferenceImagePanel';
import { SchemaFields } from './SchemaFields';
import { SeedField } from './SeedField';
import { useFieldProblems } from './useFieldProblems';
import { useGenerateShortcuts } from './useGenerateShortcuts';

const OUTPUT_LABELS: Record<GenerateDraft['output'], string> = { mesh: 'Mesh (Gaussians → DMTet)', splats: 'Splats only' };
const OUTPUT_SUMMARIES: Record<GenerateDraft['output'], string> = {
  mesh: 'The splats, then a DMTet mesh refined from them against the prior: its GLB is that surface, its albedo baked to a texture.',
  splats: '3D Gaussian splats alone (PLY, SPZ, SOG), quicker; a GLB can still be exported, meshed from the splats.',
};

const RUN_PLACES: readonly { value: RunPlace; label: string; description: string }[] = [
  { value: 'farm', label: 'farm', description: "the farm's workers take it (their GPUs), reporting here" },
  { value: 'this-machine', label: 'this machine', description: "an engine process on the studio's own machine" },
];

interface GeneratePanelProps {
  project: Project;
  /** The selected run (Cancel stops it while it runs). */
  run: Run | null;
}

/** Prompt, method, preset, advanced settings, seed and model; Generate starts a run (or a branch), Cancel stops it. */
export function GeneratePanel({ project, run }: GeneratePanelProps) {
  const api = useStudioApi();
  const selection = useStudioSelection();
  const { branchDraft, setBranchDraft, setRunId } = selection;
  const { methods, error: methodsError } = useMethods();
  const { models } = useModels();
  /** Whether the studio has a farm (engine.info): then new runs can go to it or stay on this machine. */
  const [hasFarm, setHasFarm] = useState(false);
  const [runOn, setRunOn] = useState<RunPlace>('farm');
  const [draft, setDraft] = useState<GenerateDraft>(initialDraft);
  // When the settings are replaced wholesale (reset, a branch's parent, another method) their fields are rebuilt, not
  // just given new values: a box left empty or invalid (never committed) must show the new value too.
  const [settingsGeneration, setSettingsGeneration] = useState(0);
  const fields = useFieldProblems();
  const { busy, error, run: act } = useAsyncAction();
  const promptBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.call('engine.info', {}).then((info) => setHasFarm(info.farm), () => setHasFarm(false));
  }, [api]);

  useEffect(() => {
    if (methods) setDraft((d) => withMethod(d, methods, d.method));
  }, [methods]);

  // "Branch from here" on the timeline: the panel takes the parent's request, and Generate branches.
  // The parent's stored request is the base (its preset, model, settings); the draft's own fields go over it.
  useEffect(() => {
    if (!branchDraft || !methods) return;
    let current = true;
    void act(async () => {
      const parent = await api.call('runs.get', { runId: branchDraft.runId });
      if (!current) return;
      const stored = (parent.config.request ?? {}) as Partial<RunRequest>;
      setBranchFromImage(parent.referenceImage !== null);
      const fromRequest = draftFromRequest({ ...stored, ...branchDraft.request }, methods);
      // From a mesh the branch is the mesh stage alone: its iterations start at that stage's preset.
      const next = branchDraft.payloadKind === 'mesh' ? { ...fromRequest, output: 'mesh' as const, iterations: null } : fromRequest;
      setDraft(next);
      setSettingsGeneration((n) => n + 1);
      promptBox.current?.querySelector('textarea')?.focus();
    });
    return () => {
      current = false;
    };
  }, [api, act, branchDraft, methods]);

  const method = methods?.find((m) => m.name === draft.method) ?? null;
  const preset = method?.presets.find((p) => p.name === draft.preset) ?? null;
  const running = run?.status === 'running';
  const fromMesh = branchDraft?.payloadKind === 'mesh';
  // While the selected run trains its progress matters more than the next run's settings: the fields fold away so
  // the chart and the x̂₀ preview fit without scrolling, until the artist asks for them (or branches).
  const [fieldsWanted, setFieldsWanted] = useState(false);
  useEffect(() => setFieldsWanted(false), [run?.id]);
  const fieldsFolded = running && !branchDraft && !fieldsWanted;
  const [branchFromImage, setBranchFromImage] = useState(false);
  const fromImage = draft.referenceImage !== null || (branchDraft !== null && branchFromImage);
  const conditioning: Conditioning = fromImage ? 'image' : 'text';
  const conditioned = draft.prompt.trim() !== '' || fromImage;
  // A photo run's caption feeds a method's text teacher (DTC123's), read by a text model the artist may choose.
  const textTeacher = methods !== null && captionFeedsTextTeacher(draft, methods, fromImage);
  const textModel = draft.textModel ?? DEFAULT_TEXT_MODEL;
  const canGenerate = methods !== null && !busy && conditioned && !fields.hasProblems;

  // The model follows the conditioning: a photo runs on a view-conditioned pack (the view demo prior unless one is
  // chosen), a prompt on a text pack; a model that cannot take the run's input is never left selected.
  useEffect(() => {
    setDraft((d) => {
      const model = modelForConditioning(models, conditioning, d.model);
      return model === d.model ? d : { ...d, model };
    });
  }, [models, conditioning]);

  async function generate() {
    if (!canGenerate || !methods) return;
    const started = await act(() =>
      branchDraft
        ? api.call('runs.branch', {
            runId: branchDraft.runId,
            iteration: branchDraft.iteration,
            overrides: branchOverridesFromDraft(draft, methods, branchDraft.payloadKind, branchFromImage),
          })
        : api.call('runs.start', { projectId: project.id, request: runRequestFromDraft(draft, methods), ...(hasFarm ? { runOn } : {}) }),
    );
    if (started) {
      setBranchDraft(null);
      setRunId(started.id);
    }
  }

  async function cancel() {
    if (run && running) await act(() => api.call('runs.stop', { runId: run.id, mode: 'cancel' }));
  }

  useGenerateShortcuts({ generate: () => void generate(), cancel: () => void cancel() });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void generate();
  }

  function resetSettings() {
    if (!method) return;
    setDraft((d) => ({ ...d, methodSettings: defaultSettings(method.settingsSchema as JsonSchema) }));
    setSettingsGeneration((n) => n + 1);
  }

  const { report } = fields;
  const iterationsProblem = useCallback((problem: string | null) => report('iterations', problem), [report]);
  const meshIterationsProblem = useCallback((problem: string | null) => report('meshIterations', problem), [report]);

  return (
    <form className="generate-form" aria-label="Generate settings" onSubmit={onSubmit}>
      {branchDraft && (
        <div className="branch-banner" role="note">
          <span>
            Branching from iteration <strong>{branchDraft.iteration}</strong>; Generate starts the branch.
          </span>
          <button type="button" onClick={() => setBranchDraft(null)}>
            Discard branch
          </button>
        </div>
      )}
      {fieldsFolded && (
        <div className="generate-folded">
          <p className="muted">The settings are folded away while the run trains.</p>
          <button type="button" aria-expanded={false} aria-controls="generate-fields" onClick={() => setFieldsWanted(true)}>
            Show settings
          </button>
        </div>
      )}
      <div id="generate-fields" className="generate-fields" hidden={fieldsFolded}>
        <div ref={promptBox}>
          {!branchDraft && <ReferenceImagePanel value={draft.referenceImage} model={draft.model} onChange={(referenceImage) => setDraft((d) => ({ ...d, referenceImage }))} />}
          <PromptFields
            model={draft.model}
            image={fromImage}
            caption={fromImage && method ? { method: method.title, textModel: textTeacher ? textModel : null } : undefined}
            prompt={draft.prompt}
            negativePrompt={draft.negativePrompt}
            onPrompt={(prompt) => setDraft((d) => ({ ...d, prompt }))}
            onNegativePrompt={(negativePrompt) => setDraft((d) => ({ ...d, negativePrompt }))}
          />
        </div>
        <DescribedSelect
          label="Method"
          value={draft.method}
          options={(methods ?? METHOD_NAMES.map((name) => ({ name, title: name.toUpperCase() }))).map((m) => ({ value: m.name, label: m.title }))}
          description={method?.summary ?? ''}
          disabled={methods === null}
          onChange={(name) => methods && setDraft((d) => withMethod(d, methods, name))}
        />
        <DescribedSelect
          label="Preset"
          value={draft.preset}
          options={PRESET_NAMES.map((name) => ({ value: name, label: name }))}
          description={
            preset
              ? `${preset.iterations} iterations, batch ${preset.batchSize}, ${preset.initialGaussians.toLocaleString()} → ` +
                `${preset.maxGaussians.toLocaleString()} Gaussians`
              : ''
          }
          onChange={(name) => setDraft((d) => ({ ...d, preset: name }))}
        />
        <DescribedSelect
          label="Output"
          value={draft.output}
          options={OUTPUTS.map((output) => ({ value: output, label: OUTPUT_LABELS[output] }))}
          description={fromMesh ? 'This branch continues the mesh stage of the snapshot it starts from.' : OUTPUT_SUMMARIES[draft.output]}
          disabled={fromMesh}
          onChange={(output) => setDraft((d) => ({ ...d, output }))}
        />
        <IterationsField
          label="Iterations"
          value={draft.iterations}
          placeholder={iterationsPlaceholder(preset, draft.output, fromMesh)}
          onChange={(iterations) => setDraft((d) => ({ ...d, iterations }))}
          onProblem={iterationsProblem}
        />
        {draft.output === 'mesh' && !fromMesh && (
          <IterationsField
            label="Mesh iterations"
            value={draft.meshIterations}
            placeholder={preset ? `${preset.meshIterations} (preset)` : 'preset'}
            onChange={(meshIterations) => setDraft((d) => ({ ...d, meshIterations }))}
            onProblem={meshIterationsProblem}
          />
        )}
        <SeedField
          value={draft.seed}
          onChange={(seed) => setDraft((d) => ({ ...d, seed }))}
          onProblem={(problem) => fields.report('seed', problem)}
        />
        <ModelPicker value={draft.model} conditioning={conditioning} onChange={(model) => setDraft((d) => ({ ...d, model }))} />
        {textTeacher && <ModelPicker label="Text model" conditioning="text" value={textModel} onChange={(id) => setDraft((d) => ({ ...d, textModel: id }))} />}
        {hasFarm && !branchDraft && (
          <DescribedSelect
            label="Run on"
            value={runOn}
            options={RUN_PLACES}
            description={RUN_PLACES.find((p) => p.value === runOn)!.description}
            onChange={setRunOn}
          />
        )}
        {method && (
          <details className="advanced">
            <summary>Advanced settings</summary>
            <SchemaFields
              key={`${draft.method}:${settingsGeneration}`}
              schema={method.settingsSchema as JsonSchema}
              value={draft.methodSettings}
              onChange={(update) => setDraft((d) => ({ ...d, methodSettings: update(d.methodSettings) }))}
              onProblem={fields.report}
            />
            <button type="button" onClick={resetSettings}>
              Reset to defaults
            </button>
          </details>
        )}
      </div>
      {(error ?? methodsError) && (
        <p role="alert" className="error">
          {error ?? `Cannot list the methods: ${methodsError}`}
        </p>
      )}
      {fields.hasProblems && <p className="warning">Fix the highlighted fields to generate.</p>}
      <div className="generate-actions">
        <button type="submit" className="primary" disabled={!canGenerate} aria-keyshortcuts="Control+Enter" title="Generate (Ctrl+Enter)">
          {branchDraft ? 'Generate branch' : 'Generate'}
        </button>
        <button type="button" disabled={!running || busy} aria-keyshortcuts="Escape" title="Cancel the run (Esc)" onClick={() => void cancel()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** What an empty Iterations field runs: the preset's count for the stage the field sizes. */
function iterationsPlaceholder(preset: PresetInfo | null, output: GenerateDraft['output'], fromMesh: boolean): string {
  if (!preset) return 'preset';
  if (fromMesh) return `${preset.meshIterations} (preset, mesh stage)`;
  return output === 'mesh' ? `${preset.iterations} (preset, Gaussian stage)` : `${preset.iterations} (preset)`;
}
