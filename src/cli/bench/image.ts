import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDemoPack } from '../../core/diffusion/demo/build-demo-pack';
import { OnnxPrior } from '../../core/diffusion/prior';
import { ImageBenchSettings, runImageBenchmark } from '../../core/pipeline/bench/image-bench';
import { chwToRgbBytes, encodePngRgb } from '../../core/image/png';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { jsonObjectOption } from '../run-options';
import { formatZodIssues } from '../../shared/zod-issues';
import { KilnError } from '../../shared/errors';
import type { Benchmark } from './benchmark';

const list = (raw: unknown) => String(raw).split(',').map((s) => s.trim()).filter(Boolean);

export const imageBenchmark: Benchmark = {
  name: 'image',
  summary: 'image → 3D on the demo view pack: DTC123 vs Zero-1-to-3 SDS, ablations and the photometric ceiling (held-out PSNR, IoU, GLB Chamfer; the prior\'s own novel views; medians over seeds)',
  options: {
    variants: { type: 'string' },
    objects: { type: 'string' },
    seeds: { type: 'string' },
    iters: { type: 'string' },
    'mesh-iters': { type: 'string' },
    'dtc-settings': { type: 'string' },
    out: { type: 'string' },
    home: { type: 'string' },
  },
  async run({ values, json }, io) {
    const parsed = ImageBenchSettings.safeParse({
      ...(values.variants !== undefined ? { variants: list(values.variants) } : {}),
      ...(values.objects !== undefined ? { objects: list(values.objects) } : {}),
      ...(values.seeds !== undefined ? { seeds: list(values.seeds).map(Number) } : {}),
      ...(values.iters !== undefined ? { gaussianIterations: Number(values.iters) } : {}),
      ...(values['mesh-iters'] !== undefined ? { meshIterations: Number(values['mesh-iters']) } : {}),
      ...(values['dtc-settings'] !== undefined ? { dtcSettings: jsonObjectOption(values, 'dtc-settings') } : {}),
    });
    if (!parsed.success) throw new KilnError('invalid-request', `invalid benchmark settings: ${formatZodIssues(parsed.error)}`);
    const settings = parsed.data;
    const home = resolveKilnHome(values.home as string | undefined, io.env);
    const prior = await OnnxPrior.open(ensureDemoPack(home, 'view').dir);
    try {
      const result = await runImageBenchmark(prior, settings, (line) => !json && io.out(line + '\n'));
      const out = resolve(String(values.out ?? join(home, 'bench', 'image')));
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'image.md'), result.markdown);
      const { image, width, height, rowLabels } = result.sheet;
      writeFileSync(join(out, 'contact-sheet.png'), encodePngRgb(chwToRgbBytes(image, width, height), width, height));
      writeFileSync(join(out, 'image.json'), JSON.stringify({ settings, rows: result.rows, ceilings: result.ceilings, sheetRows: rowLabels }, null, 2));
      if (json) io.out(JSON.stringify({ benchmark: 'image', settings, rows: result.rows, ceilings: result.ceilings, out }, null, 2) + '\n');
      else io.out(`\n${result.markdown}\nContact sheet (rows: ${rowLabels.join(', ')}): ${join(out, 'contact-sheet.png')}\n`);
      return 0;
    } finally {
      await prior.close();
    }
  },
};
