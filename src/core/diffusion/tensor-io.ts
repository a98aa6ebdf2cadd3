import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { float32ToHalf, halfToFloat32 } from './half-float';

type Ort = typeof OrtModule;
export type FloatType = 'float32' | 'float16';
export type IndexType = 'int64' | 'int32' | 'float32' | 'float16';

/** A float tensor in the dtype the model declares (fp16 as raw half bits, as onnxruntime-node expects). */
export function floatTensor(ort: Ort, type: FloatType, data: Float32Array, dims: readonly number[]): Tensor {
  return type === 'float16' ? new ort.Tensor('float16', float32ToHalf(data), dims) : new ort.Tensor('float32', data, dims);
}

/** Integer-valued data (token ids, timesteps) in whatever numeric dtype the model declares. */
export function indexTensor(ort: Ort, type: IndexType, values: readonly number[], dims: readonly number[]): Tensor {
  switch (type) {
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(values), dims);
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(values), dims);
    case 'float16':
      return new ort.Tensor('float16', float32ToHalf(values), dims);
  }
}

/** A float output as float32, converting half floats. */
export function readFloat(value: InferenceSession.OnnxValueMapType[string] | undefined, what: string): Float32Array {
  if (!value) throw new Error(`${what}: the model returned no such output`);
  const tensor = value as Tensor;
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') return halfToFloat32(tensor.data as Uint16Array);
  throw new Error(`${what}: expected a float tensor, got ${tensor.type}`);
}
