import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { modelPackError } from './model-pack-error';
import type { TensorInfo } from './onnx-metadata';

/**
 * What an ONNX file declares, read without onnxruntime and without reading its weights: the graph's inputs and
 * outputs (names, dtypes as onnxruntime names them, fixed or symbolic dims) and the external-data files its
 * initializers point to. Node and weight bytes are skipped by their length prefixes, so a multi-gigabyte UNet is
 * checked in milliseconds and synchronously (a run request is refused before its row is written). Field numbers
 * are onnx.proto's (docs/model-packs.md).
 */
export interface OnnxHeader {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** `location` of every initializer stored as external data, relative to the model's folder (deduplicated). */
  externalFiles: string[];
  /** Per external file, the bytes its initializers need (the largest offset + length): a shorter file is truncated. */
  externalBytes: Record<string, number>;
}

const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

class Malformed extends Error {}

/** A forward-only protobuf reader over a file, buffered in windows, that can skip a field without reading it. */
class FileProtoReader {
  private readonly window = Buffer.alloc(1 << 16);
  private windowStart = 0;
  private windowEnd = 0;
  pos = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  private byte(): number {
    if (this.pos >= this.size) throw new Malformed('unexpected end of file');
    if (this.pos < this.windowStart || this.pos >= this.windowEnd) {
      this.windowStart = this.pos;
      this.windowEnd = this.pos + readSync(this.fd, this.window, 0, this.window.length, this.pos);
    }
    return this.window[this.pos++ - this.windowStart]!;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new Malformed('varint too long');
  }

  /** Reads a length prefix and returns where that field ends, checked against the enclosing message's end. */
  lengthEnd(limit: number): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > limit) throw new Malformed('a field runs past its message');
    return end;
  }

  string(limit: number): string {
    const end = this.lengthEnd(limit);
    const bytes = Buffer.alloc(end - this.pos);
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.byte();
    return bytes.toString('utf8');
  }

  /** Iterates the fields of a message ending at `limit`, calling `on` with each field number and wire type. */
  fields(limit: number, on: (field: number, wire: number) => boolean): void {
    while (this.pos < limit) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wire = key % 8;
      if (field === 0) throw new Malformed('field number 0');
      if (!on(field, wire)) this.skip(wire, limit);
    }
    if (this.pos !== limit) throw new Malformed('a message overruns its length');
  }

  skip(wire: number, limit: number): void {
    switch (wire) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.lengthEnd(limit);
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new Malformed(`wire type ${wire}`);
    }
    if (this.pos > limit) throw new Malformed('a field runs past its message');
  }
}

function readDims(r: FileProtoReader, limit: number): (number | string)[] {
  const dims: (number | string)[] = [];
  r.fields(limit, (field, wire) => {
    if (field !== 1 || wire !== 2) return false;
    const end = r.lengthEnd(limit);
    let dim: number | string = '?';
    r.fields(end, (f, w) => {
      if (f === 1 && w === 0) dim = r.varint();
      else if (f === 2 && w === 2) dim = r.string(end);
      else return false;
      return true;
    });
    dims.push(dim);
    return true;
  });
  return dims;
}

function readValueInfo(r: FileProtoReader, limit: number): TensorInfo {
  const info: TensorInfo = { name: '', type: 'non-tensor', shape: [] };
  r.fields(limit, (field, wire) => {
    if (field === 1 && wire === 2) info.name = r.string(limit);
    else if (field === 2 && wire === 2) {
      const typeEnd = r.lengthEnd(limit);
      r.fields(typeEnd, (f, w) => {
        if (f !== 1 || w !== 2) return false; // sequence, map, optional: not a tensor
        const tensorEnd = r.lengthEnd(typeEnd);
        r.fields(tensorEnd, (tf, tw) => {
          if (tf === 1 && tw === 0) info.type = ELEMENT_TYPES[r.varint()] ?? 'unknown';
          else if (tf === 2 && tw === 2) info.shape = readDims(r, r.lengthEnd(tensorEnd));
          else return false;
          return true;
        });
        return true;
      });
    } else return false;
    return true;
  });
  return info;
}

/** An initializer's name and, when its data is external, the file it names and the byte range it takes there. */
function readInitializer(r: FileProtoReader, limit: number): { name: string; location?: string; end?: number } {
  let name = '';
  let location: string | undefined;
  let offset = 0;
  let length = 0;
  let external = false;
  r.fields(limit, (field, wire) => {
    if (field === 8 && wire === 2) name = r.string(limit);
    else if (field === 14 && wire === 0) external = r.varint() === 1;
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
      if (key === 'location') location = value;
      else if (key === 'offset') offset = Number(value) || 0;
      else if (key === 'length') length = Number(value) || 0;
    } else return false;
    return true;
  });
  return external && location !== undefined ? { name, location, end: offset + length } : { name };
}

function readGraph(r: FileProtoReader, limit: number): OnnxHeader {
  const inputs: TensorInfo[] = [];
  const outputs: TensorInfo[] = [];
  const initializers = new Set<string>();
  const externalBytes: Record<string, number> = {};
  r.fields(limit, (field, wire) => {
    if (wire !== 2 || ![5, 11, 12].includes(field)) return false;
    const end = r.lengthEnd(limit);
    if (field === 5) {
      const init = readInitializer(r, end);
      initializers.add(init.name);
      if (init.location !== undefined) externalBytes[init.location] = Math.max(externalBytes[init.location] ?? 0, init.end!);
    } else (field === 11 ? inputs : outputs).push(readValueInfo(r, end));
    return true;
  });
  // Models before IR 4 list their initializers as inputs too; onnxruntime does not offer those as inputs.
  return { inputs: inputs.filter((i) => !initializers.has(i.name)), outputs, externalFiles: Object.keys(externalBytes), externalBytes };
}

/** Reads `file`'s graph I/O; anything that is not a well-formed ONNX model is a model-pack error naming the file. */
export function readOnnxHeader(file: string): OnnxHeader {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw modelPackError(file, `cannot be read (${(err as Error).message})`);
  }
  try {
    const r = new FileProtoReader(fd, fstatSync(fd).size);
    let graph: OnnxHeader | undefined;
    r.fields(r.size, (field, wire) => {
      if (field !== 7 || wire !== 2) return false;
      graph = readGraph(r, r.lengthEnd(r.size));
      return true;
    });
    if (!graph || graph.inputs.length === 0 || graph.outputs.length === 0) throw new Malformed('no graph with inputs and outputs');
    return graph;
  } catch (err) {
    if (err instanceof Malformed) throw modelPackError(file, `is not a readable ONNX model (${err.message})`);
    throw err;
  } finally {
    closeSync(fd);
  }
}
