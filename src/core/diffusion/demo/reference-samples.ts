import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { orbitCamera } from '../../scene/cameras/orbit';
import { DemoPackParams } from './demo-params';
import { demoObject } from './objects';
import { renderObject, SHADING } from './raycast';

/**
 * The sample reference photos Kiln ships in resources/reference-samples (docs/reference-images.md#sample-photos):
 * demo objects ray-cast from views between the demo prior's training views (elevations 0/15/30°, azimuth every 30°),
 * with the demo prior's camera, so the image bench can later score a reconstruction against the exact object.
 */
export interface ReferenceSample {
  file: string;
  objectId: string;
  elevationDeg: number;
  azimuthDeg: number;
  /** `cutout`: RGBA, the exact coverage as alpha; `photo`: opaque, on `PHOTO_BACKGROUND`. */
  kind: 'cutout' | 'photo';
}

export const REFERENCE_SAMPLES: readonly ReferenceSample[] = [
  { file: 'mug-cutout.png', objectId: 'mug', elevationDeg: 20, azimuthDeg: 45, kind: 'cutout' },
  { file: 'mug-photo.jpg', objectId: 'mug', elevationDeg: 20, azimuthDeg: 45, kind: 'photo' },
  { file: 'snowman-cutout.png', objectId: 'snowman', elevationDeg: 10, azimuthDeg: 345, kind: 'cutout' },
  { file: 'snowman-photo.png', objectId: 'snowman', elevationDeg: 10, azimuthDeg: 345, kind: 'photo' },
  { file: 'table-photo.jpg', objectId: 'table', elevationDeg: 25, azimuthDeg: 105, kind: 'photo' },
  { file: 'torus-cutout.png', objectId: 'torus', elevationDeg: 20, azimuthDeg: 15, kind: 'cutout' },
];

export const SAMPLE_SIZE = 256;
/**
 * A plain beige backdrop, unlike the prior's grey, so the opaque samples exercise the segmentation; far enough from
 * every shade of the snowman's white (a pale-blue one was not: its lit tops fell under the foreground threshold).
 */
export const PHOTO_BACKGROUND = [0.93, 0.85, 0.7] as const;
const SAMPLES_PER_AXIS = 4;
const JPEG_QUALITY = 90;

/** The sample as 8-bit pixels: H×W×4 for cut-outs, H×W×3 for photos. */
export function renderSamplePixels(sample: ReferenceSample): Uint8Array {
  const { camera } = DemoPackParams.parse({});
  const S = SAMPLE_SIZE;
  const coverage = new Float32Array(S * S);
  const pose = { radiusM: camera.radiusM, elevationDeg: sample.elevationDeg, azimuthDeg: sample.azimuthDeg };
  const image = renderObject(demoObject(sample.objectId), orbitCamera(pose, { fovYDeg: camera.fovYDeg, width: S, height: S }), SAMPLES_PER_AXIS, coverage);
  const channels = sample.kind === 'cutout' ? 4 : 3;
  const out = new Uint8Array(S * S * channels);
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let p = 0; p < S * S; p++) {
    const a = coverage[p]!;
    for (let c = 0; c < 3; c++) {
      // The render is object·a + grey·(1 − a); take the grey out, then put the photo's backdrop in (or keep alpha).
      const object = a > 0 ? (image[c * S * S + p]! - (1 - a) * SHADING.background[c]!) / a : 0;
      out[p * channels + c] = byte(sample.kind === 'cutout' ? object : object * a + (1 - a) * PHOTO_BACKGROUND[c]!);
    }
    if (channels === 4) out[p * 4 + 3] = byte(a);
  }
  return out;
}

export async function encodeSample(sample: ReferenceSample): Promise<Buffer> {
  const channels = sample.kind === 'cutout' ? 4 : 3;
  const image = sharp(renderSamplePixels(sample), { raw: { width: SAMPLE_SIZE, height: SAMPLE_SIZE, channels } });
  return sample.file.endsWith('.jpg') ? image.jpeg({ quality: JPEG_QUALITY }).toBuffer() : image.png({ compressionLevel: 9 }).toBuffer();
}

/** Writes every sample and samples.json (file, object, camera) into `dir`. Deterministic: same pixels every time. */
export async function writeReferenceSamples(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const { camera } = DemoPackParams.parse({});
  for (const sample of REFERENCE_SAMPLES) writeFileSync(join(dir, sample.file), await encodeSample(sample));
  const index = REFERENCE_SAMPLES.map((s) => ({ ...s, radiusM: camera.radiusM, fovYDeg: camera.fovYDeg, ...(s.kind === 'photo' ? { background: PHOTO_BACKGROUND } : {}) }));
  writeFileSync(join(dir, 'samples.json'), `${JSON.stringify(index, null, 2)}\n`);
  return [...REFERENCE_SAMPLES.map((s) => s.file), 'samples.json'];
}
