import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileProtoReader } from '../../../src/core/diffusion/file-proto-reader';
import { ProtoWriter } from '../../../src/core/diffusion/demo/protobuf-writer';
import { DamagedTensor, readTensor, type TensorRecord } from '../../../src/core/diffusion/onnx-tensor';
import { makeTempHome } from '../../helpers/temp-home';

const temp = makeTempHome('kiln-onnx-tensor-');
afterAll(temp.cleanup);

/** TensorProto field numbers (onnx.proto): dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9. */
type TensorWriter = (w: ProtoWriter) => void;
const FLOAT = 1;
const INT64 = 7;
const FLOAT16 = 10;

const floats = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const tensor =
  (dims: number[], dataType: number, data: TensorWriter): TensorWriter =>
  (w) => {
    w.packedInts(1, dims).int(2, dataType).string(8, 'w');
    data(w);
  };
const external = (location: string, offset: number, length?: number): TensorWriter => (w) => {
  w.message(13, (e) => e.string(1, 'location').string(2, location));
  w.message(13, (e) => e.string(1, 'offset').string(2, String(offset)));
  if (length !== undefined) w.message(13, (e) => e.string(1, 'length').string(2, String(length)));
  w.int(14, 1);
};

let counter = 0;
function read(write: TensorWriter): TensorRecord {
  const file = join(temp.home, `tensor-${counter++}.pb`);
  const w = new ProtoWriter();
  write(w);
  writeFileSync(file, w.finish());
  const fd = openSync(file, 'r');
  try {
    const r = new FileProtoReader(fd, w.finish().length);
    return readTensor(r, r.size, 'initializer');
  } finally {
    closeSync(fd);
  }
}

/** onnxruntime's verdict on the same tensor as the only initializer of a model (Identity to a float output). */
async function ortAccepts(write: TensorWriter, dataType: number, externalBytes?: Uint8Array): Promise<boolean> {
  const ort = await import('onnxruntime-node');
  const dir = join(temp.home, `model-${counter++}`);
  mkdirSync(dir);
  if (externalBytes) writeFileSync(join(dir, 'weights.pb'), externalBytes);
  const model = new ProtoWriter()
    .int(1, 8)
    .message(7, (g) =>
      g
        .message(1, (n) => n.string(1, 'w').string(2, 'y').string(3, 'copy').string(4, 'Identity'))
        .string(2, 'g')
        .message(5, write)
        .message(12, (v) => v.string(1, 'y').message(2, (t) => t.message(1, (tt) => tt.int(1, dataType)))),
    )
    .message(8, (o) => o.string(1, '').int(2, 17))
    .finish();
  writeFileSync(join(dir, 'model.onnx'), model);
  try {
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), { logSeverityLevel: 4 });
    await session.release();
    return true;
  } catch {
    return false;
  }
}

const CASES: [string, TensorWriter, number, boolean, Uint8Array?][] = [
  ['raw data that fits', tensor([2, 2], FLOAT, (w) => w.bytes(9, floats([1, 2, 3, 4]))), FLOAT, true],
  ['raw data one element short', tensor([2, 2], FLOAT, (w) => w.bytes(9, floats([1, 2, 3]))), FLOAT, false],
  ['packed float_data that fits', tensor([3], FLOAT, (w) => w.bytes(4, floats([1, 2, 3]))), FLOAT, true],
  ['packed float_data one short', tensor([3], FLOAT, (w) => w.bytes(4, floats([1, 2]))), FLOAT, false],
  ['unpacked float_data that fits', tensor([2], FLOAT, (w) => w.float(4, 1).float(4, 2)), FLOAT, true],
  // fp16 values live in int32_data; 15360 (1.0) and 49152 (−2.0) are three-byte varints.
  ['fp16 int32_data that fits', tensor([3], FLOAT16, (w) => w.packedInts(5, [15360, 49152, 0])), FLOAT16, true],
  ['fp16 int32_data one short', tensor([3], FLOAT16, (w) => w.packedInts(5, [15360, 49152])), FLOAT16, false],
  ['int64_data with large values that fits', tensor([2], INT64, (w) => w.packedInts(7, [2n ** 40n, 5])), INT64, true],
  ['no data at all', tensor([2], FLOAT, () => undefined), FLOAT, false],
  ['an empty tensor without data', tensor([0], FLOAT, () => undefined), FLOAT, true],
  ['external data that fits, without a length', tensor([2], FLOAT, external('weights.pb', 4)), FLOAT, true, floats([0, 1, 2])],
  ['external data whose length disagrees with its dims', tensor([2], FLOAT, external('weights.pb', 0, 4)), FLOAT, false, floats([1, 2])],
];

describe('readTensor', () => {
  it.each(CASES)('%s: accepted exactly when onnxruntime accepts it', async (_, write, dataType, ok, bytes) => {
    expect(await ortAccepts(write, dataType, bytes)).toBe(ok);
    if (ok) expect(() => read(write)).not.toThrow();
    else expect(() => read(write)).toThrow(DamagedTensor);
  });

  it('reports the bytes a tensor needs and where its external data lies', () => {
    expect(read(tensor([2, 3], FLOAT16, (w) => w.bytes(9, new Uint8Array(12))))).toEqual({ name: 'w', bytes: 12 });
    expect(read(tensor([5], FLOAT, external('weights.pb', 64)))).toEqual({ name: 'w', bytes: 20, external: { location: 'weights.pb', offset: 64 } });
    expect(() => read(tensor([3], FLOAT, (w) => w.bytes(4, floats([1]))))).toThrow('initializer "w" (float32 [3]) holds 1 values where its shape needs 3: the file is damaged');
  });
});
