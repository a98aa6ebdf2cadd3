import type { Tensor } from 'onnxruntime-node';
import { ensureDemoPack } from '../../core/diffusion/demo/build-demo-pack';
import { OnnxPrior } from '../../core/diffusion/prior';
import { floatTensor, indexTensor } from '../../core/diffusion/tensor-io';
import { Rng } from '../../core/random/rng';
import { median } from '../../core/stats';
import { resolveKilnHome } from '../../core/store/kiln-home';
import type { Benchmark } from './benchmark';

interface UnetRow {
  pack: 'pixel' | 'latent';
  /** UNet rows per call: 2 with CFG (cond + uncond batched), 1 without. */
  rows: number;
  bareMs: number;
  priorMs: number;
  /** Median of per-pair ratios prior/bare (each pair timed back to back). */
  overheadRatio: number;
}

const GUIDANCE_SCALE = 7.5;

async function measure(home: string, kind: 'pixel' | 'latent', repeats: number): Promise<UnetRow[]> {
  const prior = await OnnxPrior.open(ensureDemoPack(home, kind).dir);
  try {
    const ort = await import('onnxruntime-node');
    const { unet, sessions } = prior.pack;
    const L = prior.latentSize;
    const x = new Rng(1).fillNormal(new Float32Array(L));
    const t = 500;
    const cond = await prior.encodeText('a red cube');
    if (cond.positive.kind !== 'text' || cond.negative.kind !== 'text') throw new Error('text pack expected');
    const session = sessions.unet!.session;
    const time = async (fn: () => Promise<unknown>) => {
      const start = performance.now();
      await fn();
      return performance.now() - start;
    };
    const results: UnetRow[] = [];
    for (const scale of [GUIDANCE_SCALE, 1]) {
      // The rows predictNoise batches (conditional, then unconditional when guided), fed straight to session.run.
      const rows = scale === 1 ? [cond.positive] : [cond.positive, cond.negative];
      const sample = new Float32Array(rows.length * L);
      const hidden = new Float32Array(rows.length * cond.positive.hidden.length);
      rows.forEach((row, r) => {
        sample.set(x, r * L);
        if (row.kind === 'text') hidden.set(row.hidden, r * row.hidden.length);
      });
      const feeds: Record<string, Tensor> = {
        [unet.sample.name]: floatTensor(ort, unet.sample.type, sample, [rows.length, ...prior.latentShape]),
        [unet.timestep.name]: indexTensor(ort, unet.timestep.type, rows.map(() => t), [rows.length]),
        [unet.encoderHiddenStates!.name]: floatTensor(ort, unet.encoderHiddenStates!.type, hidden, [rows.length, ...cond.positive.shape]),
      };
      const bare = () => session.run(feeds, [unet.output.name]);
      const viaPrior = () => prior.predictNoise(x, t, cond, { scale });
      for (let i = 0; i < 10; i++) {
        await bare();
        await viaPrior();
      }
      const bareTimes: number[] = [];
      const priorTimes: number[] = [];
      const ratios: number[] = [];
      for (let i = 0; i < repeats; i++) {
        // Alternate the order so neither side always runs second, with a warmer cache.
        let b: number;
        let p: number;
        if (i % 2 === 0) {
          b = await time(bare);
          p = await time(viaPrior);
        } else {
          p = await time(viaPrior);
          b = await time(bare);
        }
        bareTimes.push(b);
        priorTimes.push(p);
        ratios.push(p / b);
      }
      results.push({ pack: kind, rows: rows.length, bareMs: median(bareTimes), priorMs: median(priorTimes), overheadRatio: median(ratios) });
    }
    return results;
  } finally {
    await prior.close();
  }
}

export const unetBenchmark: Benchmark = {
  name: 'unet',
  summary: "Overhead of Kiln's prior.predictNoise over a bare session.run (goal ≤ 1.05), and demo-pack UNet latency.",
  options: { home: { type: 'string' }, repeats: { type: 'string' } },
  async run({ values, json }, io) {
    const home = resolveKilnHome(values.home as string | undefined, io.env);
    const repeats = Math.max(5, Number(values.repeats ?? 60));
    const rows: UnetRow[] = [];
    for (const kind of ['pixel', 'latent'] as const) rows.push(...(await measure(home, kind, repeats)));
    if (json) {
      io.out(JSON.stringify({ benchmark: 'unet', guidanceScale: GUIDANCE_SCALE, repeats, goalRatio: 1.05, results: rows }, null, 2) + '\n');
      return 0;
    }
    io.out(`kiln bench unet — demo packs; 2 rows = CFG ${GUIDANCE_SCALE} (cond + uncond in one call), 1 row = scale 1; medians of ${repeats}\n\n`);
    io.out('pack     rows  session.run ms  predictNoise ms  overhead µs  ratio (goal ≤ 1.05)\n');
    for (const r of rows) {
      const overheadUs = ((r.priorMs - r.bareMs) * 1000).toFixed(0);
      io.out(`${r.pack.padEnd(8)} ${String(r.rows).padStart(4)}  ${r.bareMs.toFixed(3).padStart(14)}  ${r.priorMs.toFixed(3).padStart(15)}  ${overheadUs.padStart(11)}  ${r.overheadRatio.toFixed(3)}\n`);
    }
    return 0;
  },
};
