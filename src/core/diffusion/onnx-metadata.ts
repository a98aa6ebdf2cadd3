import type { InferenceSession } from 'onnxruntime-node';
import { modelPackError } from './model-pack-error';

/** One model input or output as the ONNX file declares it (dims: number = fixed, string = symbolic/dynamic). */
export interface TensorInfo {
  name: string;
  type: string;
  shape: (number | string)[];
}

export function describeValues(values: readonly InferenceSession.ValueMetadata[]): TensorInfo[] {
  return values.map((v) => (v.isTensor ? { name: v.name, type: v.type, shape: [...v.shape] } : { name: v.name, type: 'non-tensor', shape: [] }));
}

export const isFloatType = (type: string): type is 'float32' | 'float16' => type === 'float32' || type === 'float16';

/** Finds the value with a name matching `pattern` and the given rank, else the only one with that rank. */
export function findByRole(
  values: readonly TensorInfo[],
  options: { pattern: RegExp; rank?: readonly number[]; exclude?: readonly string[] },
): TensorInfo | undefined {
  const pool = values.filter((v) => !options.exclude?.includes(v.name));
  const rankOk = (v: TensorInfo) => !options.rank || options.rank.includes(v.shape.length);
  const named = pool.find((v) => options.pattern.test(v.name) && rankOk(v));
  if (named) return named;
  const byRank = pool.filter(rankOk);
  return options.rank && byRank.length === 1 ? byRank[0] : undefined;
}

/** Checks a resolved input's rank and float dtype, failing with a message that names the file and the input. */
export function expectTensor(file: string, info: TensorInfo | undefined, role: string, rank: number, floatOnly = true): TensorInfo {
  if (!info) throw modelPackError(file, `has no ${role} input or output`);
  if (info.shape.length !== rank) {
    throw modelPackError(file, `${role} "${info.name}" has rank ${info.shape.length} (shape [${info.shape.join(', ')}]); expected rank ${rank}`);
  }
  if (floatOnly && !isFloatType(info.type)) throw modelPackError(file, `${role} "${info.name}" has type ${info.type}; expected float32 or float16`);
  return info;
}

/** A fixed dimension, or undefined when it is symbolic. */
export function fixedDim(info: TensorInfo, axis: number): number | undefined {
  const d = info.shape[axis];
  return typeof d === 'number' && d > 0 ? d : undefined;
}
