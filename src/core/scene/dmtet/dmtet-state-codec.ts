import type { RngState } from '../../random/rng';

/** What a checkpoint of the DMTet model holds: small values in a JSON header, the arrays bit-exact after it. */
export interface DmtetStateHeader {
  gridResolution: number;
  colourResolution: number;
  deformationScale: number;
  iteration: number;
  rng: RngState;
  /** Adam steps taken per parameter group since it was (re)created: sdf, deformation, logits. */
  adamSteps: [number, number, number];
}

/** The arrays, in this order: sdf, deformation, logits, then Adam m and v of each. */
export const STATE_ARRAYS = ['sdf', 'deformation', 'logits', 'mSdf', 'vSdf', 'mDeformation', 'vDeformation', 'mLogits', 'vLogits'] as const;
export type DmtetStateArrays = Record<(typeof STATE_ARRAYS)[number], Float32Array>;

const MAGIC = 0x544d444b; // "KDMT"
const VERSION = 1;

/**
 * Layout, little-endian: "KDMT", version, header byte length H (u32 each), the header as UTF-8 JSON padded with
 * spaces to a multiple of 4, then per array its float count (u32) and its float32 values.
 */
export function encodeDmtetState(header: DmtetStateHeader, arrays: DmtetStateArrays): Uint8Array {
  let json = JSON.stringify(header);
  while (Buffer.byteLength(json) % 4) json += ' ';
  const jsonBytes = Buffer.from(json);
  const total = 12 + jsonBytes.length + STATE_ARRAYS.reduce((sum, name) => sum + 4 + 4 * arrays[name].length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, jsonBytes.length, true);
  out.set(jsonBytes, 12);
  let at = 12 + jsonBytes.length;
  for (const name of STATE_ARRAYS) {
    const a = arrays[name];
    view.setUint32(at, a.length, true);
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at + 4);
    at += 4 + a.byteLength;
  }
  return out;
}

/** Decodes encodeDmtetState's bytes; a truncated or foreign buffer is a plain Error (the checkpoint store checks sums). */
export function decodeDmtetState(bytes: Uint8Array): { header: DmtetStateHeader; arrays: DmtetStateArrays } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || view.getUint32(0, true) !== MAGIC) throw new Error('not a DMTet model state');
  if (view.getUint32(4, true) !== VERSION) throw new Error(`DMTet model state version ${view.getUint32(4, true)} is not ${VERSION}`);
  const headerBytes = view.getUint32(8, true);
  const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerBytes)).toString('utf8')) as DmtetStateHeader;
  let at = 12 + headerBytes;
  const arrays = {} as DmtetStateArrays;
  for (const name of STATE_ARRAYS) {
    if (at + 4 > bytes.byteLength) throw new Error(`DMTet model state is truncated before ${name}`);
    const length = view.getUint32(at, true);
    if (at + 4 + 4 * length > bytes.byteLength) throw new Error(`DMTet model state is truncated in ${name}`);
    const copy = new Uint8Array(4 * length);
    copy.set(bytes.subarray(at + 4, at + 4 + 4 * length));
    arrays[name] = new Float32Array(copy.buffer);
    at += 4 + 4 * length;
  }
  if (at !== bytes.byteLength) throw new Error('DMTet model state has trailing bytes');
  return { header, arrays };
}
