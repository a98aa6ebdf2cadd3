import { useEffect, useState } from 'react';
import type { EngineInfo } from '../../../../shared/engine-info';
import type { ModelInfo } from '../../../../shared/models';
import { useStudioApi } from '../../api/context';
import { isDesktopApp } from '../../api/desktop-app';
import { TextEntryForm } from '../TextEntryForm';
import { useAsyncAction } from '../useAsyncAction';
import { useModels } from './models-context';
import { providerInUse } from './provider-in-use';

/** The model packs: the built-in demo priors, added folders (validated on add), and the execution provider in use. */
export function ModelsPanel() {
  const api = useStudioApi();
  const { models, error: listError, add, addFromDialog, remove } = useModels();
  const [info, setInfo] = useState<EngineInfo | null>(null);
  const { busy, error, run } = useAsyncAction();

  useEffect(() => {
    api.call('engine.info', {}).then(setInfo, () => setInfo(null));
  }, [api]);

  return (
    <section className="panel-section" aria-label="Models">
      <h2>Models</h2>
      {info && (
        <p className="muted">
          Execution provider: <strong>{providerInUse(info)}</strong>
        </p>
      )}
      {listError && (
        <p role="alert" className="error">
          Cannot list the model packs: {listError}
        </p>
      )}
      {models === null ? (
        <p className="muted">Loading model packs…</p>
      ) : (
        <ul className="model-list" aria-label="Model packs">
          {models.map((model) => (
            <ModelRow key={model.id} model={model} onRemove={() => void run(() => remove(model.id))} />
          ))}
        </ul>
      )}
      {isDesktopApp() ? (
        // The desktop app reaches files only through native dialogs.
        <button type="button" className="add-model" disabled={busy} onClick={() => void run(addFromDialog)}>
          Add model folder…
        </button>
      ) : (
        <TextEntryForm
          className="add-model"
          label="Model pack folder"
          placeholder="/path/to/an/onnx/pack"
          submitLabel="Add model"
          busy={busy}
          onSubmit={async (folder) => (await run(() => add(folder))) !== undefined}
        />
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}

function ModelRow({ model, onRemove }: { model: ModelInfo; onRemove: () => void }) {
  const details = [model.kind, model.imageSize ? `${model.imageSize} px` : null, model.builtIn ? 'built in' : null].filter(Boolean);
  return (
    <li className={model.ok ? 'model-row' : 'model-row broken'}>
      <div className="model-text">
        <span className="model-name" title={model.path ?? undefined}>
          {model.name}
        </span>
        <span className="muted">{details.join(' · ')}</span>
        {model.error && <span className="error">{model.error}</span>}
      </div>
      {!model.builtIn && (
        <button type="button" className="icon" aria-label={`Remove ${model.name}`} title="Remove (the files stay)" onClick={onRemove}>
          ×
        </button>
      )}
    </li>
  );
}
