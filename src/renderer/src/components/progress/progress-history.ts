/** The points of a run's live chart: iteration, timestep t, and each loss term (null where a term was not reported). */
export interface ProgressHistory {
  iterations: number[];
  t: number[];
  terms: Map<string, (number | null)[]>;
}

export interface ProgressPoint {
  iteration: number;
  t: number;
  terms: Record<string, number>;
}

/** Past this many points every other one is dropped, so a long run's chart stays cheap to draw. */
export const MAX_CHART_POINTS = 1500;

export function emptyHistory(): ProgressHistory {
  return { iterations: [], t: [], terms: new Map() };
}

function halve(values: (number | null)[]): (number | null)[] {
  return values.filter((_, i) => i % 2 === 0);
}

/**
 * Adds a point in place. A point at or before the last iteration (a resumed or restarted run) first drops the
 * points it replaces, so the series stay sorted by iteration as uPlot requires.
 */
export function appendPoint(history: ProgressHistory, point: ProgressPoint, maxPoints = MAX_CHART_POINTS): void {
  let keep = history.iterations.length;
  while (keep > 0 && history.iterations[keep - 1]! >= point.iteration) keep--;
  if (keep < history.iterations.length) {
    history.iterations.length = keep;
    history.t.length = keep;
    for (const values of history.terms.values()) values.length = keep;
  }
  const index = history.iterations.length;
  history.iterations.push(point.iteration);
  history.t.push(point.t);
  for (const name of Object.keys(point.terms)) {
    if (!history.terms.has(name)) history.terms.set(name, new Array<number | null>(index).fill(null));
  }
  for (const [name, values] of history.terms) values.push(point.terms[name] ?? null);
  if (history.iterations.length > maxPoints) {
    history.iterations = halve(history.iterations) as number[];
    history.t = halve(history.t) as number[];
    for (const [name, values] of history.terms) history.terms.set(name, halve(values));
  }
}

/** A snapshot's metrics (`t`, `term.<name>`) as a chart point, or null when it has none (iteration 0). */
export function pointFromMetrics(iteration: number, metrics: Record<string, number>): ProgressPoint | null {
  if (metrics.t === undefined) return null;
  const terms = Object.fromEntries(
    Object.entries(metrics)
      .filter(([key]) => key.startsWith('term.'))
      .map(([key, value]) => [key.slice('term.'.length), value]),
  );
  return { iteration, t: metrics.t, terms };
}
