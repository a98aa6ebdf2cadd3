import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { silhouetteIou } from '../../../src/core/pipeline/bench/ground-truth';
import { encodeSample, REFERENCE_SAMPLES, renderSamplePixels, SAMPLE_SIZE, writeReferenceSamples } from '../../../src/core/diffusion/demo/reference-samples';
import { preprocessReferenceImage } from '../../../src/core/image/reference/preprocess-reference-image';
import { packageRoot } from '../../../src/core/package-root';

const DIR = join(packageRoot(), 'resources', 'reference-samples');

describe('sample reference photos (resources/reference-samples)', () => {
  it.each(REFERENCE_SAMPLES.map((s) => [s.file, s] as const))('%s is what the script renders, small', async (_, sample) => {
    const bytes = readFileSync(join(DIR, sample.file));
    expect(bytes.length).toBeLessThan(40_000);
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([SAMPLE_SIZE, SAMPLE_SIZE, sample.kind === 'cutout' ? 4 : 3]);
    const fresh = renderSamplePixels(sample);
    if (sample.file.endsWith('.png')) {
      expect(Buffer.compare(data, Buffer.from(fresh))).toBe(0);
    } else {
      const { data: encoded } = await sharp(await encodeSample(sample)).raw().toBuffer({ resolveWithObject: true });
      let diff = 0;
      for (let i = 0; i < data.length; i++) diff += Math.abs(data[i]! - encoded[i]!);
      expect(diff / data.length).toBeLessThan(0.5); // the same JPEG up to encoder version
    }
  });

  it('samples.json lists every file with its object and camera', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'kiln-samples-'));
    try {
      expect(await writeReferenceSamples(scratch)).toEqual([...REFERENCE_SAMPLES.map((s) => s.file), 'samples.json']);
      expect(readFileSync(join(DIR, 'samples.json'), 'utf8')).toBe(readFileSync(join(scratch, 'samples.json'), 'utf8'));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it.each(REFERENCE_SAMPLES.map((s) => [s.file, s] as const))('%s preprocesses to the exact silhouette', async (_, sample) => {
    const r = await preprocessReferenceImage(readFileSync(join(DIR, sample.file)), { size: 64 });
    expect(r.maskSource).toBe(sample.kind === 'cutout' ? 'alpha' : 'built-in');
    const exactCutout = await sharp(renderSamplePixels({ ...sample, kind: 'cutout' }), { raw: { width: SAMPLE_SIZE, height: SAMPLE_SIZE, channels: 4 } }).png().toBuffer();
    const exact = await preprocessReferenceImage(exactCutout, { size: 64 });
    expect(silhouetteIou(r.mask, exact.mask)).toBeGreaterThan(0.98);
  });
});
