import { GraphBuilder, int } from './graph-builder';
import type { GraphValue } from './onnx-model';

export interface TextEncoderSpec {
  /** Rows: token ids; columns: objects. Log-weight each token adds to each object (0 = consistent). */
  tokenObjectLogits: Float32Array;
  vocabSize: number;
  objectCount: number;
  sequenceLength: number;
}

/**
 * Text encoder of the demo prior: input_ids [B, L] → last_hidden_state [B, L, O] whose every position holds the
 * prompt's log object-weights (log-softmax of the summed token rows), and pooler_output [B, O]. The empty prompt
 * sums to zeros, so it weights all objects equally.
 */
export function textEncoderGraph(spec: TextEncoderSpec): GraphValue {
  const g = new GraphBuilder('kiln_demo_text_encoder');
  const ids = g.input({ name: 'input_ids', dataType: 'int32', shape: ['batch', spec.sequenceLength] });
  const table = g.floats(spec.tokenObjectLogits, [spec.vocabSize, spec.objectCount], 'token_object_logits');
  const perToken = g.op('Gather', [table, g.op('Cast', [ids], { to: int(7) })], { axis: int(0) });
  const summed = g.op('ReduceSum', [perToken, g.int64s([1])], { keepdims: int(1) });
  const logWeights = g.op('LogSoftmax', [summed], { axis: int(-1) });
  const hidden = g.op('Expand', [logWeights, g.int64s([1, spec.sequenceLength, 1])]);
  g.output(hidden, { name: 'last_hidden_state', dataType: 'float', shape: ['batch', spec.sequenceLength, spec.objectCount] });
  const pooled = g.op('Squeeze', [logWeights, g.int64s([1])]);
  g.output(pooled, { name: 'pooler_output', dataType: 'float', shape: ['batch', spec.objectCount] });
  return g.build();
}
