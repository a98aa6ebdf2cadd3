import { ProtoWriter } from './protobuf-writer';

/**
 * ONNX models as plain data and their serialisation, with field numbers from onnx/onnx.proto (IR version 8).
 * Only what the demo graphs need: tensors with raw data, nodes with int/float/ints/tensor attributes, graph I/O.
 */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

export const TensorDataType = { float: 1, int32: 6, int64: 7, float16: 10 } as const;
export type TensorDataTypeName = keyof typeof TensorDataType;

export interface TensorValue {
  name: string;
  dataType: TensorDataTypeName;
  dims: readonly number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint16Array;
  /** Stored in an external data file (`location`, relative to the model) at `offset` instead of inline. */
  external?: { location: string; offset: number };
}

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'tensor'; value: TensorValue };

export interface NodeValue {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A dimension is a fixed size or a symbolic name (dynamic). */
export interface ValueInfo {
  name: string;
  dataType: TensorDataTypeName;
  shape: readonly (number | string)[];
}

export interface GraphValue {
  name: string;
  nodes: readonly NodeValue[];
  initializers: readonly TensorValue[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

export interface ModelValue {
  graph: GraphValue;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, tensor: 4, ints: 7 } as const;

function writeTensor(w: ProtoWriter, t: TensorValue): void {
  w.packedInts(1, t.dims); // dims
  w.int(2, TensorDataType[t.dataType]); // data_type
  w.string(8, t.name); // name
  if (t.external) {
    const entries = { location: t.external.location, offset: String(t.external.offset), length: String(t.data.byteLength) };
    for (const [key, value] of Object.entries(entries)) w.message(13, (e) => e.string(1, key).string(2, value)); // external_data
    w.int(14, 1); // data_location = EXTERNAL
    return;
  }
  // raw_data is little-endian, which every platform Node runs on is.
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeAttribute(w: ProtoWriter, name: string, a: AttributeValue): void {
  w.string(1, name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'tensor':
      w.message(5, (m) => writeTensor(m, a.value));
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
  }
  w.int(20, ATTRIBUTE_TYPE[a.kind]);
}

function writeNode(w: ProtoWriter, n: NodeValue): void {
  for (const input of n.inputs) w.string(1, input);
  for (const output of n.outputs) w.string(2, output);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, value] of Object.entries(n.attributes ?? {})) w.message(5, (m) => writeAttribute(m, name, value));
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, TensorDataType[v.dataType]);
      tensorType.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: GraphValue): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
}

export function serializeModel(model: ModelValue): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, ONNX_IR_VERSION);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, (g) => writeGraph(g, model.graph));
  w.message(8, (op) => op.string(1, '').int(2, ONNX_OPSET));
  for (const [key, value] of Object.entries(model.metadata ?? {})) w.message(14, (m) => m.string(1, key).string(2, value));
  return w.finish();
}
