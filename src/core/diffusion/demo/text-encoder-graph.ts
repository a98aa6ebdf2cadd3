import { GraphBuilder, int, ints } from './graph-builder';
import type { GraphValue } from './onnx-model';

export interface TextEncoderSpec {
  /**
   * Rows: token ids; columns: the O objects, then the view sectors. Log-weight each token adds to each (0 =
   * consistent).
   */
  tokenClassLogits: Float32Array;
  vocabSize: number;
  objectCount: number;
  /** View sectors after the objects (0 for a pack without view words). */
  sectorCount: number;
  sequenceLength: number;
}

/**
 * Text encoder of the demo prior: input_ids [B, L] → last_hidden_state [B, L, O + V] whose every position holds the
 * prompt's log object-weights (log-softmax of the summed token rows over the O objects) followed by its log
 * sector-weights (the summed rows minus their maximum: 0 for the sectors the prompt's view words allow, a large
 * negative number for the others), and pooler_output [B, O + V]. The log-weight of the class (object o, sector v) is
 * the sum of the two parts. The empty prompt sums to zeros, so it weights all objects and all sectors equally.
 */
export function textEncoderGraph(spec: TextEncoderSpec): GraphValue {
  const g = new GraphBuilder('kiln_demo_text_encoder');
  const ids = g.input({ name: 'input_ids', dataType: 'int32', shape: ['batch', spec.sequenceLength] });
  const width = spec.objectCount + spec.sectorCount;
  const table = g.floats(spec.tokenClassLogits, [spec.vocabSize, width], 'token_class_logits');
  const perToken = g.op('Gather', [table, g.op('Cast', [ids], { to: int(7) })], { axis: int(0) });
  const summed = g.op('ReduceSum', [perToken, g.int64s([1])], { keepdims: int(1) });
  const lastAxis = g.int64s([2]);
  const objects = g.op('Slice', [summed, g.int64s([0]), g.int64s([spec.objectCount]), lastAxis]);
  let logWeights = g.op('LogSoftmax', [objects], { axis: int(-1) });
  if (spec.sectorCount > 0) {
    const sectors = g.op('Slice', [summed, g.int64s([spec.objectCount]), g.int64s([width]), lastAxis]);
    const sectorLogWeights = g.op('Sub', [sectors, g.op('ReduceMax', [sectors], { axes: ints([2]), keepdims: int(1) })]);
    logWeights = g.op('Concat', [logWeights, sectorLogWeights], { axis: int(-1) });
  }
  const hidden = g.op('Expand', [logWeights, g.int64s([1, spec.sequenceLength, 1])]);
  g.output(hidden, { name: 'last_hidden_state', dataType: 'float', shape: ['batch', spec.sequenceLength, width] });
  const pooled = g.op('Squeeze', [logWeights, g.int64s([1])]);
  g.output(pooled, { name: 'pooler_output', dataType: 'float', shape: ['batch', width] });
  return g.build();
}
