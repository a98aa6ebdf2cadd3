import type { RunProgress } from '../shared/runs';

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function termsText(terms: Record<string, number>): string {
  return Object.entries(terms)
    .slice(0, 3)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e3 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(2) : v.toFixed(3)}`)
    .join('  ');
}

/** One line of progress: iteration, rate, ETA, Gaussians (faces in a mesh stage), t and the method's loss terms. */
export function progressLine(p: RunProgress): string {
  const pct = Math.floor((100 * p.iteration) / p.targetIterations);
  return `${p.iteration}/${p.targetIterations} (${pct}%)  ${p.iterationsPerSecond.toFixed(1)} it/s  ETA ${formatDuration(p.etaSeconds)}  ${p.gaussians} ${p.stage === 'dmtet' ? 'faces' : 'Gaussians'}  t ${Math.round(p.t)}  ${termsText(p.terms)}`;
}

/** On a terminal: one bar redrawn in place. Piped: plain lines, so logs stay readable. */
export function progressPrinter(write: (text: string) => void, isTTY: boolean): { update(p: RunProgress): void; end(): void } {
  let drawn = false;
  return {
    update(p) {
      if (!isTTY) return write(progressLine(p) + '\n');
      const width = 24;
      const filled = Math.round((width * p.iteration) / p.targetIterations);
      write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progressLine(p)}`);
      drawn = true;
    },
    end() {
      if (drawn) write('\n');
      drawn = false;
    },
  };
}
