import { Malformed, type FileProtoReader } from './file-proto-reader';

/**
 * An ONNX TensorProto (an initializer or a Constant's value) read for its size, not its values: the element count its
 * dims give against the bytes or values it holds inline, or the byte range it names in an external data file. Field
 * numbers are onnx.proto's (docs/model-packs.md).
 */
export interface TensorRecord {
  name: string;
  /** Bytes the dims and data type need (undefined for strings and types Kiln does not know the size of). */
  bytes?: number;
  external?: { location: string; offset: number };
}

/** A tensor whose stored data does not match its shape: a damaged file. */
export class DamagedTensor extends Error {}

/** Bytes per element by TensorProto.DataType (the 4-bit types pack two to a byte); strings have no fixed size. */
const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 14: 8, 15: 16, 16: 2, 17: 1, 18: 1, 19: 1, 20: 1, 21: 0.5, 22: 0.5, 23: 0.5 };
export const DATA_TYPE_NAMES: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16' };

/** The typed field that holds values when raw_data is not used, by data type: [field number, values per element]. */
const TYPED_FIELDS: Record<number, readonly [number, number]> = { 1: [4, 1], 14: [4, 2], 11: [10, 1], 15: [10, 2], 7: [7, 1], 12: [11, 1], 13: [11, 1], ...Object.fromEntries([2, 3, 4, 5, 6, 9, 10, 16].map((t) => [t, [5, 1] as const])) };
/** Wire type of one unpacked value in each typed field: float_data fixed32, double_data fixed64, the rest varints. */
const VALUE_WIRE: Record<number, number> = { 4: 5, 10: 1, 5: 0, 7: 0, 11: 0 };

/** Values in a typed field occurrence: a packed run (wire 2) or one unpacked value. */
function typedValues(r: FileProtoReader, limit: number, field: number, wire: number): number {
  const valueWire = VALUE_WIRE[field]!;
  if (wire === valueWire) {
    r.skip(wire, limit);
    return 1;
  }
  if (wire !== 2) throw new Malformed(`tensor field ${field} has wire type ${wire}`);
  if (valueWire === 0) return r.packedVarintCount(limit);
  const end = r.lengthEnd(limit);
  const bytes = end - r.pos;
  r.pos = end;
  return bytes / (valueWire === 5 ? 4 : 8);
}

/**
 * Reads a TensorProto ending at `limit` and checks that what it stores fits its shape: raw_data of exactly the
 * bytes the dims need, as many typed values, or an external `length` equal to them. Throws DamagedTensor otherwise.
 */
export function readTensor(r: FileProtoReader, limit: number, what: string): TensorRecord {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let rawBytes: number | undefined;
  let typed: { field: number; count: number } | undefined;
  let segmented = false;
  const external: Record<string, string> = {};
  let isExternal = false;
  r.fields(limit, (field, wire) => {
    if (field === 1 && wire === 0) dims.push(r.varint());
    else if (field === 1 && wire === 2) {
      const end = r.lengthEnd(limit);
      while (r.pos < end) dims.push(r.varint());
    } else if (field === 2 && wire === 0) dataType = r.varint();
    else if (field === 8 && wire === 2) name = r.string(limit);
    else if (field === 9 && wire === 2) {
      const end = r.lengthEnd(limit);
      rawBytes = end - r.pos;
      r.pos = end;
    } else if (field === 14 && wire === 0) isExternal = r.varint() === 1;
    else if (field === 3) segmented = true;
    else if (field === 13 && wire === 2) {
      const end = r.lengthEnd(limit);
      let key = '';
      let value = '';
      r.fields(end, (f, w) => {
        if (f === 1 && w === 2) key = r.string(end);
        else if (f === 2 && w === 2) value = r.string(end);
        else return false;
        return true;
      });
      external[key] = value;
    } else if ([4, 5, 7, 10, 11].includes(field)) {
      const count = typedValues(r, limit, field, wire);
      typed = { field, count: (typed?.field === field ? typed.count : 0) + count };
    } else return false;
    return true;
  });
  const label = `${what} "${name}" (${DATA_TYPE_NAMES[dataType] ?? `data type ${dataType}`} [${dims.join(', ')}])`;
  const damaged = (problem: string) => new DamagedTensor(`${label} ${problem}: the file is damaged (export, download or copy it again)`);
  if (dims.some((d) => d >= 2 ** 53)) throw damaged('has a negative or impossible dimension');
  const elements = dims.reduce((a, b) => a * b, 1);
  const size = ELEMENT_BYTES[dataType];
  if (dataType === 0) throw damaged('has no data type');
  const bytes = size === undefined ? undefined : Math.ceil(elements * size);
  if (isExternal) {
    if (external.location === undefined) throw damaged('is stored as external data but names no file');
    const offset = Number(external.offset ?? 0);
    const length = external.length === undefined ? bytes : Number(external.length);
    if (!Number.isSafeInteger(offset) || offset < 0) throw damaged(`has external data offset "${external.offset}"`);
    if (bytes !== undefined && length !== bytes) throw damaged(`takes ${external.length} bytes of ${external.location} where its shape needs ${bytes}`);
    return { name, bytes, external: { location: external.location, offset } };
  }
  if (bytes === undefined || segmented) return { name, bytes };
  if (rawBytes !== undefined) {
    if (rawBytes !== bytes) throw damaged(`holds ${rawBytes} bytes of raw data where its shape needs ${bytes}`);
  } else if (typed) {
    const [field, perElement] = TYPED_FIELDS[dataType] ?? [];
    if (field === typed.field && typed.count !== elements * perElement!) throw damaged(`holds ${typed.count} values where its shape needs ${elements * perElement!}`);
  } else if (elements > 0) throw damaged('holds no data');
  return { name, bytes };
}
