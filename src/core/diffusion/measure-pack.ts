import { Rng } from '../random/rng';
import { median } from '../stats';
import { OnnxPrior } from './prior';
import type { SessionSettingsInput } from './session-settings';

/** What an artist needs to know before running a pack: time per call and memory, on this machine's provider. */
export interface PackMeasurement {
  providers: readonly string[];
  imageSize: number;
  openSeconds: number;
  /** Median seconds of one guided prediction (CFG: conditional and unconditional rows in one UNet call). */
  guidedCallSeconds: number;
  /** Median seconds to encode and decode one image (0 for pixel packs). */
  vaeRoundTripSeconds: number;
  /** Resident memory once the pack is open, and the process's peak, in MiB (CPU memory; GPU memory is not seen). */
  residentMiB: number;
  peakResidentMiB: number;
}

const MiB = 1024 * 1024;

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** Opens the pack and times `repeats` guided UNet calls and VAE round trips at its native size (after one warm-up). */
export async function measurePack(dir: string, repeats: number, settings: SessionSettingsInput = {}): Promise<PackMeasurement> {
  let prior: OnnxPrior | undefined;
  const openSeconds = await seconds(async () => (prior = await OnnxPrior.open(dir, settings)));
  const p = prior!;
  try {
    const residentMiB = process.memoryUsage().rss / MiB;
    const rng = new Rng(1);
    const x = rng.fillNormal(new Float32Array(p.latentSize));
    const S = p.imageSize;
    const image = Float32Array.from({ length: 3 * S * S }, () => rng.uniform() * 2 - 1);
    const cond = p.kind === 'text-to-image' ? await p.encodeText('a red cube') : await p.conditionOnView(image, [[0, 0, 1, 0]]);
    const call = () => p.predictNoise(x, 500, cond, { scale: 7.5 });
    const vae = () => p.encode(image).then((z) => p.decode(z));
    const calls: number[] = [];
    const vaes: number[] = [];
    for (let i = 0; i <= repeats; i++) {
      const c = await seconds(call);
      const v = p.isLatent ? await seconds(vae) : 0;
      if (i === 0) continue; // warm-up: first runs allocate and optimise
      calls.push(c);
      vaes.push(v);
    }
    return {
      providers: p.providers,
      imageSize: S,
      openSeconds,
      guidedCallSeconds: median(calls),
      vaeRoundTripSeconds: median(vaes),
      residentMiB,
      peakResidentMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await p.close();
  }
}
