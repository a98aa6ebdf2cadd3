import type { OrbitView } from '../diffusion/pose-embedding';
import type { Conditioning, Prior } from '../diffusion/prior';
import type { GuidanceMethod, TextTeacher } from '../distill/guidance';
import { methodByName } from '../distill/registry';
import { Rng } from '../random/rng';
import { representationByName } from '../scene/registry';
import type { Representation, SnapshotPayload } from '../scene/representation';
import type { Checkpoint } from './checkpoint';
import type { ResolvedStage } from './run-config';
import { usesTextTeacher } from './text-teacher';

/** One stage ready to optimise: its representation, its guidance method and the loop's RNG. */
export interface StageSession {
  index: number;
  stage: ResolvedStage;
  representation: Representation;
  method: GuidanceMethod;
  loopRng: Rng;
}

export interface StageOpening {
  prior: Prior;
  conditioning: Conditioning;
  /** The run's prompt (undefined for an image run without a caption). */
  prompt?: string;
  negativePrompt?: string;
  /** Image runs: the reference photo's camera (MethodContext.referenceCamera), for per-view poses. */
  referenceCamera?: OrbitView;
  /**
   * DTC123's text teacher, when a text pack and a caption are given: handed to the method only in the stages it takes
   * one in (MethodDefinition.textTeacherIn: DTC123's mesh stage).
   */
  textTeacher?: TextTeacher;
  seed: number;
  index: number;
  stage: ResolvedStage;
  /** CPU threads for the representation's kernels. */
  threads: number;
  /** A fresh stage starts from this payload (a branch's parent snapshot, the stage before's last), or from scratch. */
  from?: SnapshotPayload;
  /** A resumed stage continues from its checkpoint instead. */
  checkpoint?: Checkpoint;
}

/**
 * The RNG streams of stage `index`, forked from the run seed in a fixed order (method, initialisation,
 * representation, loop; four per stage), so each stage's streams are the same whether the run got there in one
 * go or resumed on the way.
 */
function stageStreams(seed: number, index: number) {
  const root = new Rng(seed);
  for (let i = 0; i < 4 * index; i++) root.fork();
  return { method: root.fork(), init: root.fork(), representation: root.fork(), loop: root.fork() };
}

/**
 * Creates a stage's method and representation: fresh, or restored from a checkpoint bit for bit. Generation and
 * the method benchmark both open their stages here.
 */
export function openStage(o: StageOpening): StageSession {
  const streams = stageStreams(o.seed, o.index);
  const methodDefinition = methodByName(o.stage.method);
  const method = methodDefinition.create({
    prior: o.prior,
    conditioning: o.conditioning,
    settings: methodDefinition.settings.parse(o.stage.methodSettings),
    rng: streams.method,
    prompt: o.prompt,
    negativePrompt: o.negativePrompt,
    ...(o.referenceCamera ? { referenceCamera: o.referenceCamera } : {}),
    ...(o.textTeacher && usesTextTeacher(o.stage) ? { textTeacher: o.textTeacher } : {}),
  });
  const definition = representationByName(o.stage.representation);
  const ctx = { settings: definition.settings.parse(o.stage.settings), initRng: streams.init, rng: streams.representation, threads: o.threads };
  let representation: Representation;
  if (o.checkpoint) {
    representation = definition.restore(ctx, o.checkpoint.representation);
    method.loadState?.(o.checkpoint.methodState);
    streams.loop.setState(o.checkpoint.loopRng);
  } else {
    representation = definition.create(ctx, o.from);
  }
  return { index: o.index, stage: o.stage, representation, method, loopRng: streams.loop };
}
