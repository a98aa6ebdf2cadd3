import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDemoPack } from '../../core/diffusion/demo/build-demo-pack';
import { DEMO_KINDS, type DemoKind } from '../../core/diffusion/demo/demo-params';
import { OnnxPrior } from '../../core/diffusion/prior';
import { learningCurvesSvg } from '../../core/pipeline/bench/learning-curves';
import { MethodBenchSettings, runMethodBenchmark } from '../../core/pipeline/bench/method-bench';
import { METHODS } from '../../core/distill/registry';
import { chwToRgbBytes, encodePngRgb } from '../../core/image/png';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { formatZodIssues } from '../../shared/zod-issues';
import { KilnError } from '../../shared/errors';
import type { Benchmark } from './benchmark';

/** The issue's acceptance bar, drawn on the curves. */
const BAR = { psnr: 22, iou: 0.8 };

const OBJECT_ORDER = ['snowman', 'mug', 'table', 'torus', 'cone', 'sphere'];

function parseObjects(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (/^\d+$/.test(text)) return OBJECT_ORDER.slice(0, Math.max(1, Number(text)));
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseJsonOption(raw: unknown, flag: string): unknown {
  try {
    return JSON.parse(String(raw));
  } catch {
    throw new KilnError('invalid-request', `${flag} must be JSON, e.g. '{"sds":{"cfgScale":7.5}}'`);
  }
}

export const methodsBenchmark: Benchmark = {
  name: 'methods',
  summary: 'every distillation method on demo objects: held-out PSNR, silhouette IoU, ambiguity, time, UNet calls',
  options: {
    iters: { type: 'string' },
    objects: { type: 'string' },
    methods: { type: 'string' },
    kind: { type: 'string' },
    out: { type: 'string' },
    home: { type: 'string' },
    seed: { type: 'string' },
    'curve-every': { type: 'string' },
    ambiguous: { type: 'string' },
    'method-settings': { type: 'string' },
  },
  async run({ values, json }, io) {
    const kind = (values.kind ?? 'pixel') as DemoKind;
    if (!DEMO_KINDS.includes(kind) || kind === 'view') throw new KilnError('invalid-request', '--kind must be pixel or latent');
    const methods = values.methods ? String(values.methods).split(',').map((m) => m.trim()) : METHODS.filter((m) => !m.imageToThreeD).map((m) => m.name);
    const parsed = MethodBenchSettings.safeParse({
      methods,
      ...(values.objects !== undefined ? { objects: parseObjects(values.objects) } : {}),
      ...(values.iters !== undefined ? { iterations: Number(values.iters) } : {}),
      ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
      ...(values['curve-every'] !== undefined ? { curveEvery: Number(values['curve-every']) } : {}),
      ...(values.ambiguous !== undefined ? { ambiguousPrompt: values.ambiguous === 'none' ? null : String(values.ambiguous) } : {}),
      ...(values['method-settings'] !== undefined ? { methodSettings: parseJsonOption(values['method-settings'], '--method-settings') } : {}),
    });
    if (!parsed.success) throw new KilnError('invalid-request', `invalid benchmark settings: ${formatZodIssues(parsed.error)}`);
    const settings = parsed.data;
    const home = resolveKilnHome(values.home as string | undefined, io.env);
    const prior = await OnnxPrior.open(ensureDemoPack(home, kind).dir);
    try {
      const result = await runMethodBenchmark(prior, settings, (line) => !json && io.out(line + '\n'));
      const out = resolve(String(values.out ?? join(home, 'bench', `methods-${kind}`)));
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'methods.md'), result.markdown);
      const { image, width, height, rowLabels } = result.sheet;
      writeFileSync(join(out, 'contact-sheet.png'), encodePngRgb(chwToRgbBytes(image, width, height), width, height));
      writeFileSync(join(out, 'learning-curves.svg'), learningCurvesSvg(result.curves, BAR));
      writeFileSync(
        join(out, 'methods.json'),
        JSON.stringify({ settings, kind, rows: result.rows, ambiguity: result.ambiguity, curves: result.curves, sheetRows: rowLabels }, null, 2),
      );
      if (json) io.out(JSON.stringify({ benchmark: 'methods', kind, settings, rows: result.rows, ambiguity: result.ambiguity, out }, null, 2) + '\n');
      else
        io.out(
          `\n${result.markdown}\nContact sheet (rows: ${rowLabels.join(', ')}): ${join(out, 'contact-sheet.png')}\n` +
            `Learning curves: ${join(out, 'learning-curves.svg')}\n`,
        );
      return 0;
    } finally {
      await prior.close();
    }
  },
};
