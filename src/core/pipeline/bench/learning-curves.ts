/** One sample of a method's trajectory: held-out scores at `iteration`, and the guidance averaged since the last one. */
export interface CurvePoint {
  iteration: number;
  psnr: number;
  iou: number;
  /** Mean timestep of the iterations since the previous point. */
  t: number;
  /** Mean of each method term's magnitude since the previous point. */
  terms: Record<string, number>;
  gaussians: number;
}

export interface Curve {
  method: string;
  object: string;
  points: CurvePoint[];
}

/** Averages the per-iteration guidance (t, term magnitudes) between two curve points. */
export class GuidanceWindow {
  private n = 0;
  private tSum = 0;
  private termSums: Record<string, number> = {};

  add(t: number, terms: Record<string, number>): void {
    this.n++;
    this.tSum += t;
    for (const [k, v] of Object.entries(terms)) this.termSums[k] = (this.termSums[k] ?? 0) + v;
  }

  /** The window's means; the window starts empty again. */
  take(): { t: number; terms: Record<string, number> } {
    const n = Math.max(1, this.n);
    const out = { t: this.tSum / n, terms: Object.fromEntries(Object.entries(this.termSums).map(([k, v]) => [k, v / n])) };
    this.n = 0;
    this.tSum = 0;
    this.termSums = {};
    return out;
  }
}

/** Curve sampling points: every `every` iterations and the last one (none when `every` is 0). */
export function isCurveIteration(iteration: number, total: number, every: number): boolean {
  return every > 0 && (iteration % every === 0 || iteration === total);
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

interface Panel {
  title: string;
  value: (p: CurvePoint) => number;
  range: [number, number];
  /** A horizontal reference line (the acceptance bar). */
  bar?: number;
}

const PANEL_W = 300;
const PANEL_H = 170;
const MARGIN = { left: 44, right: 10, top: 22, bottom: 26 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

/** The values' range, widened to include `include` (the bar) and padded by 5 %. */
function niceRange(values: number[], include?: number): [number, number] {
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (include !== undefined) {
    lo = Math.min(lo, include);
    hi = Math.max(hi, include);
  }
  if (hi - lo < 1e-9) hi = lo + 1;
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * Small multiples as a standalone SVG: one column per object, rows PSNR / IoU / t / Gaussian count over iterations, one line per
 * method (same colour everywhere), with the acceptance bars dashed.
 */
export function learningCurvesSvg(curves: readonly Curve[], bars: { psnr: number; iou: number }): string {
  const objects = [...new Set(curves.map((c) => c.object))];
  const methods = [...new Set(curves.map((c) => c.method))];
  const all = curves.flatMap((c) => c.points);
  const panels: Panel[] = [
    { title: 'held-out PSNR (dB)', value: (p) => p.psnr, range: niceRange(all.map((p) => p.psnr), bars.psnr), bar: bars.psnr },
    { title: 'silhouette IoU', value: (p) => p.iou, range: [0, 1], bar: bars.iou },
    { title: 'mean timestep t', value: (p) => p.t, range: [0, niceRange(all.map((p) => p.t))[1]] },
    { title: 'Gaussians', value: (p) => p.gaussians, range: [0, niceRange(all.map((p) => p.gaussians))[1]] },
  ];
  const maxIteration = Math.max(1, ...all.map((p) => p.iteration));
  const legendH = 24;
  const width = objects.length * PANEL_W;
  const height = legendH + panels.length * PANEL_H;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  methods.forEach((m, k) => {
    const x = 10 + k * 70;
    out.push(`<line x1="${x}" y1="12" x2="${x + 16}" y2="12" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="2"/>`);
    out.push(`<text x="${x + 20}" y="15">${escapeXml(m)}</text>`);
  });
  objects.forEach((object, col) => {
    panels.forEach((panel, row) => {
      const ox = col * PANEL_W + MARGIN.left;
      const oy = legendH + row * PANEL_H + MARGIN.top;
      const w = PANEL_W - MARGIN.left - MARGIN.right;
      const h = PANEL_H - MARGIN.top - MARGIN.bottom;
      const [lo, hi] = panel.range;
      const sx = (i: number) => ox + (i / maxIteration) * w;
      const sy = (v: number) => oy + h - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * h;
      out.push(`<text x="${ox}" y="${oy - 8}" font-weight="bold">${escapeXml(`${object} — ${panel.title}`)}</text>`);
      out.push(`<rect x="${ox}" y="${oy}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
      for (const v of [lo, (lo + hi) / 2, hi]) {
        out.push(`<text x="${ox - 4}" y="${sy(v) + 3}" text-anchor="end">${v.toFixed(hi - lo < 5 ? 2 : 0)}</text>`);
      }
      for (const i of [0, maxIteration / 2, maxIteration]) {
        out.push(`<text x="${sx(i)}" y="${oy + h + 12}" text-anchor="middle">${Math.round(i)}</text>`);
      }
      if (panel.bar !== undefined) {
        out.push(`<line x1="${ox}" y1="${sy(panel.bar)}" x2="${ox + w}" y2="${sy(panel.bar)}" stroke="#555" stroke-dasharray="4 3"/>`);
      }
      methods.forEach((m, k) => {
        const curve = curves.find((c) => c.method === m && c.object === object);
        if (!curve || curve.points.length === 0) return;
        const d = curve.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.iteration).toFixed(1)},${sy(panel.value(p)).toFixed(1)}`).join(' ');
        out.push(`<path d="${d}" fill="none" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="1.5"/>`);
      });
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
