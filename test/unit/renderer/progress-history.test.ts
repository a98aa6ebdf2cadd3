import { describe, expect, it } from 'vitest';
import { appendPoint, emptyHistory, pointFromMetrics } from '../../../src/renderer/src/components/progress/progress-history';
import { formatDuration, formatRate } from '../../../src/renderer/src/components/progress/format-progress';

describe('the live chart’s history', () => {
  it('aligns terms that appear later with nulls before them', () => {
    const h = emptyHistory();
    appendPoint(h, { iteration: 1, t: 900, terms: { sds: 2 } });
    appendPoint(h, { iteration: 2, t: 800, terms: { sds: 1.5, convexity: 0.1 } });
    appendPoint(h, { iteration: 3, t: 700, terms: { convexity: 0.05 } });
    expect(h.iterations).toEqual([1, 2, 3]);
    expect(h.t).toEqual([900, 800, 700]);
    expect(h.terms.get('sds')).toEqual([2, 1.5, null]);
    expect(h.terms.get('convexity')).toEqual([null, 0.1, 0.05]);
  });

  it('replaces the points a resumed run reports again, so iterations stay increasing', () => {
    const h = emptyHistory();
    for (const iteration of [10, 20, 30, 40]) appendPoint(h, { iteration, t: iteration, terms: { sds: iteration } });
    appendPoint(h, { iteration: 30, t: 1, terms: { sds: 1 } });
    expect(h.iterations).toEqual([10, 20, 30]);
    expect(h.t).toEqual([10, 20, 1]);
    expect(h.terms.get('sds')).toEqual([10, 20, 1]);
  });

  it('halves a long history instead of growing without bound', () => {
    const h = emptyHistory();
    for (let i = 1; i <= 101; i++) appendPoint(h, { iteration: i, t: i, terms: { sds: i } }, 100);
    expect(h.iterations.length).toBeLessThanOrEqual(100);
    expect(h.iterations[0]).toBe(1);
    expect(h.iterations.every((v, i) => i === 0 || v > h.iterations[i - 1]!)).toBe(true);
    expect(h.terms.get('sds')).toEqual(h.iterations);
  });

  it('reads a snapshot’s stored metrics as a point', () => {
    expect(pointFromMetrics(12, { elapsedMs: 5, t: 640, 'term.sds': 3.5 })).toEqual({ iteration: 12, t: 640, terms: { sds: 3.5 } });
    expect(pointFromMetrics(0, { elapsedMs: 0 })).toBeNull();
  });

  it('formats durations and speeds', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(725)).toBe('12:05');
    expect(formatDuration(3729)).toBe('1:02:09');
    expect(formatRate(6.12)).toBe('6.1');
    expect(formatRate(0)).toBe('—');
  });
});
