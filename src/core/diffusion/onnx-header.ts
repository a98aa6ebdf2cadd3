import { closeSync, fstatSync, openSync } from 'node:fs';
import { FileProtoReader, Malformed } from './file-proto-reader';
import { modelPackError } from './model-pack-error';
import type { TensorInfo } from './onnx-metadata';
import { DATA_TYPE_NAMES, DamagedTensor, readTensor, type TensorRecord } from './onnx-tensor';

/**
 * What an ONNX file declares, read without onnxruntime and without reading its weights: the graph's inputs and
 * outputs (names, dtypes as onnxruntime names them, fixed or symbolic dims) and the external-data files its
 * initializers point to. The whole protobuf is walked — every node, attribute and tensor — but weight bytes are
 * skipped by their length prefixes, so a multi-gigabyte UNet is checked in well under a second and synchronously (a
 * run request is refused before its row is written). A broken wire format, or a tensor whose stored data does not fit
 * its shape, is a model-pack error naming the file and the tensor. Field numbers are onnx.proto's
 * (docs/model-packs.md).
 */
export interface OnnxHeader {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** `location` of every initializer stored as external data, relative to the model's folder (deduplicated). */
  externalFiles: string[];
  /** Per external file, the tensor that reaches furthest into it and the bytes it needs: a shorter file is truncated. */
  externalBytes: Record<string, { bytes: number; tensor: string }>;
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
          if (tf === 1 && tw === 0) info.type = DATA_TYPE_NAMES[r.varint()] ?? 'unknown';
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

/** Collects every external tensor's furthest byte, per file, while the graph and its subgraphs are walked. */
type ExternalReach = OnnxHeader['externalBytes'];

function noteExternal(reach: ExternalReach, t: TensorRecord): void {
  if (!t.external) return;
  const end = t.external.offset + (t.bytes ?? 0);
  if (end > (reach[t.external.location]?.bytes ?? -1)) reach[t.external.location] = { bytes: end, tensor: t.name };
}

/** An AttributeProto: tensors (a Constant's value) are checked like initializers, subgraphs walked like the graph. */
function readAttribute(r: FileProtoReader, limit: number, node: string, reach: ExternalReach): void {
  r.fields(limit, (field, wire) => {
    if (wire !== 2 || ![5, 6, 10, 11].includes(field)) return false;
    const end = r.lengthEnd(limit);
    if (field === 5 || field === 10) noteExternal(reach, readTensor(r, end, `node "${node}"'s tensor`));
    else readGraph(r, end, reach);
    return true;
  });
}

function readNode(r: FileProtoReader, limit: number, index: number, reach: ExternalReach): void {
  let name = '';
  let opType = '';
  r.fields(limit, (field, wire) => {
    if (wire !== 2) return false;
    if (field === 3) name = r.string(limit);
    else if (field === 4) opType = r.string(limit);
    else if (field === 5) readAttribute(r, r.lengthEnd(limit), name || `#${index}`, reach); // serialisers write name (3) first
    else return false;
    return true;
  });
  if (!opType) throw new Malformed(`node ${index}${name ? ` "${name}"` : ''} has no op_type`);
}

function readGraph(r: FileProtoReader, limit: number, reach: ExternalReach): Omit<OnnxHeader, 'externalFiles' | 'externalBytes'> {
  const inputs: TensorInfo[] = [];
  const outputs: TensorInfo[] = [];
  const initializers = new Set<string>();
  let nodes = 0;
  r.fields(limit, (field, wire) => {
    if (wire !== 2 || ![1, 5, 11, 12].includes(field)) return false;
    const end = r.lengthEnd(limit);
    if (field === 1) readNode(r, end, nodes++, reach);
    else if (field === 5) {
      const init = readTensor(r, end, 'initializer');
      initializers.add(init.name);
      noteExternal(reach, init);
    } else (field === 11 ? inputs : outputs).push(readValueInfo(r, end));
    return true;
  });
  // Models before IR 4 list their initializers as inputs too; onnxruntime does not offer those as inputs.
  return { inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
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
    const reach: ExternalReach = {};
    let graph: ReturnType<typeof readGraph> | undefined;
    r.fields(r.size, (field, wire) => {
      if (field !== 7 || wire !== 2) return false;
      graph = readGraph(r, r.lengthEnd(r.size), reach);
      return true;
    });
    if (!graph || graph.inputs.length === 0 || graph.outputs.length === 0) throw new Malformed('no graph with inputs and outputs');
    return { ...graph, externalFiles: Object.keys(reach), externalBytes: reach };
  } catch (err) {
    if (err instanceof Malformed) throw modelPackError(file, `is not a readable ONNX model (${err.message})`);
    if (err instanceof DamagedTensor) throw modelPackError(file, err.message);
    throw err;
  } finally {
    closeSync(fd);
  }
}
