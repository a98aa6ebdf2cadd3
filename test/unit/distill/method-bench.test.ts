import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { demoObject } from '../../../src/core/diffusion/demo/objects';
import { runMethodBenchmark, MethodBenchSettings } from '../../../src/core/pipeline/bench/method-bench';
import { groundTruthViews, objectsForPrompt, silhouetteIou } from '../../../src/core/pipeline/bench/ground-truth';
import { contactSheet } from '../../../src/core/pipeline/bench/contact-sheet';
import { GuidanceWindow, isCurveIteration, learningCurvesSvg } from '../../../src/core/pipeline/bench/learning-curves';
import { chwToRgbBytes, encodePngRgb } from '../../../src/core/image/png';
import { runCli } from '../../../src/cli/main';
import { evaluationOrbit } from '../../../src/core/scene/cameras/orbit-sampler';
import { useDemoPrior } from './demo-prior-fixture';

const fixture = useDemoPrior('pixel');

describe('method benchmark pieces', () => {
  it('finds every object an ambiguous prompt names', () => {
    expect(objectsForPrompt('a cube').map((o) => o.id).sort()).toEqual(['blue-cube', 'green-cube', 'red-cube']);
    expect(objectsForPrompt('a red cube').map((o) => o.id)).toEqual(['red-cube']);
    expect(objectsForPrompt('a snowman').map((o) => o.id)).toEqual(['snowman']);
  });

  it('renders ground truth with an exact silhouette and scores IoU', () => {
    const [view] = groundTruthViews(demoObject('sphere'), evaluationOrbit(1, { elevationDeg: 10, radiusM: 2.5, fovYDeg: 40, width: 32, height: 32 }));
    const c = view!.coverage;
    expect(c[0]).toBe(0);
    expect(c[16 * 32 + 16]).toBe(1);
    expect(Math.min(...c)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...c)).toBeLessThanOrEqual(1);
    expect(silhouetteIou(c, c)).toBe(1);
    expect(silhouetteIou(new Float32Array(c.length), c)).toBe(0);
  });

  it('writes a PNG whose IHDR and pixels survive a decode', () => {
    const { image, width, height } = contactSheet([[new Float32Array(3 * 4 * 4).fill(0.5)], [new Float32Array(3 * 16).fill(1)]], 4, [0, 0, 0]);
    expect([width, height]).toEqual([4 + 4, 2 * 6 + 2]);
    const png = encodePngRgb(chwToRgbBytes(image, width, height), width, height);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(width);
    expect(png.readUInt32BE(20)).toBe(height);
    const idat = png.indexOf('IDAT');
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    expect(raw.length).toBe((width * 3 + 1) * height);
    // Row 3 (first tile's second row), pixel 3: mid grey; row 0 is the black gutter.
    expect(raw[3 * (width * 3 + 1) + 1 + 3 * 3]).toBe(128);
    expect(raw[1]).toBe(0);
  });

  it('runs a tiny benchmark end to end', async () => {
    const settings = MethodBenchSettings.parse({ methods: ['sds'], objects: ['sphere'], iterations: 30, heldOutViews: 2, initialGaussians: 300, curveEvery: 10 });
    const result = await runMethodBenchmark(fixture().prior, settings);
    expect(result.rows).toHaveLength(1);
    const [row] = result.rows;
    expect(row).toMatchObject({ method: 'sds', object: 'sphere', prompt: 'a yellow sphere', unetCallsPerIteration: 1 });
    expect(row!.psnr).toBeGreaterThan(5);
    expect(row!.iou).toBeGreaterThanOrEqual(0);
    expect(row!.iou).toBeLessThanOrEqual(1);
    // One score per held-out view, around the orbit; the row's numbers are their means.
    expect(row!.views.map((v) => v.azimuthDeg)).toEqual([20, 200]);
    expect((row!.views[0]!.psnr + row!.views[1]!.psnr) / 2).toBeCloseTo(row!.psnr, 10);
    expect((row!.views[0]!.iou + row!.views[1]!.iou) / 2).toBeCloseTo(row!.iou, 10);
    expect(['red-cube', 'green-cube', 'blue-cube']).toContain(result.ambiguity[0]!.nearestVariant);
    expect(result.markdown).toContain('| sds | sphere |');
    expect(result.sheet.rowLabels).toEqual(['ground truth', 'sds']);
    const [curve] = result.curves;
    expect(curve!.points.map((p) => p.iteration)).toEqual([10, 20, 30]);
    // The last point is the same model the row scores.
    expect(curve!.points[2]!.psnr).toBeCloseTo(row!.psnr, 10);
    expect(curve!.points[2]!.iou).toBeCloseTo(row!.iou, 10);
    for (const p of curve!.points) {
      expect(p.t).toBeGreaterThan(0);
      expect(p.t).toBeLessThan(1000);
      expect(Object.keys(p.terms).length).toBeGreaterThan(0);
    }
  }, 60_000);

  it('refuses bad method settings before distilling anything, naming the setting', async () => {
    const bench = (input: object) => runMethodBenchmark(fixture().prior, MethodBenchSettings.parse({ objects: ['sphere'], iterations: 5, ...input }));
    await expect(bench({ methods: ['vdm'], methodSettings: { vdm: { cfgScal: 3 } } })).rejects.toThrow(/invalid vdm settings: .*cfgScal/);
    await expect(bench({ methods: ['vdm'], methodSettings: { vdm: { cfgScale: 'high' } } })).rejects.toThrow(/invalid vdm settings: cfgScale: /);
    await expect(bench({ methods: ['vdm'], methodSettings: { sds: { cfgScale: 50 } } })).rejects.toThrow(/settings given for sds, which is not among the benchmarked methods \(vdm\)/);
    await expect(bench({ methods: ['vdmm'] })).rejects.toThrow(/unknown method "vdmm"/);
    // From the command line, settings not keyed by method are a clear error too (not a stack trace).
    let err = '';
    const code = await runCli(['bench', 'methods', '--method-settings', '{"cfgScale":3}'], { out: () => {}, err: (t) => void (err += t), env: {} });
    expect(code).not.toBe(0);
    expect(err).toMatch(/invalid benchmark settings: methodSettings\.cfgScale: /);
  });

  it('averages guidance between curve points and samples every k-th and the last iteration', () => {
    const w = new GuidanceWindow();
    w.add(100, { sds: 1 });
    w.add(300, { sds: 3, extra: 2 });
    expect(w.take()).toEqual({ t: 200, terms: { sds: 2, extra: 1 } });
    w.add(50, {});
    expect(w.take()).toEqual({ t: 50, terms: {} });
    const sampled = Array.from({ length: 25 }, (_, k) => k + 1).filter((i) => isCurveIteration(i, 25, 10));
    expect(sampled).toEqual([10, 20, 25]);
    expect(isCurveIteration(10, 25, 0)).toBe(false);
  });

  it('draws one path per method and object, with the bars, as well-formed SVG', () => {
    const point = (iteration: number, psnr: number) => ({ iteration, psnr, iou: psnr / 30, t: 500, terms: {}, gaussians: 10 });
    const curves = ['sds', 'vdm'].flatMap((method) =>
      ['snowman', 'mug'].map((object) => ({ method, object, points: [point(50, 15), point(100, method === 'vdm' ? 25 : 18)] })),
    );
    const svg = learningCurvesSvg(curves, { psnr: 22, iou: 0.8 });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // 2 methods × 2 objects × 4 panels (PSNR, IoU, t, Gaussians).
    expect(svg.match(/<path /g)).toHaveLength(16);
    // The two bars in each object's column.
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(4);
    expect(svg).toContain('snowman — held-out PSNR (dB)');
    // Every opened tag is closed (self-closing or paired).
    const opened = (svg.match(/<(svg|text)\b/g) ?? []).length;
    const closed = (svg.match(/<\/(svg|text)>/g) ?? []).length;
    expect(opened).toBe(closed);
  });
});
