/**
 * Log-linear decay from `init` to `final` over `maxSteps`, with an optional warm-up that scales the rate by a
 * smooth ramp from `delayMult` to 1 over `delaySteps` (the 3DGS position schedule).
 */
export interface ExponentialDecay {
  init: number;
  final: number;
  maxSteps: number;
  delaySteps?: number;
  delayMult?: number;
}

export function exponentialDecay(s: ExponentialDecay, step: number): number {
  if (step < 0 || (s.init === 0 && s.final === 0)) return 0;
  const delaySteps = s.delaySteps ?? 0;
  const delay =
    delaySteps > 0
      ? (s.delayMult ?? 1) + (1 - (s.delayMult ?? 1)) * Math.sin(0.5 * Math.PI * Math.min(1, Math.max(0, step / delaySteps)))
      : 1;
  const t = Math.min(1, Math.max(0, step / Math.max(1, s.maxSteps)));
  return delay * Math.exp(Math.log(s.init) * (1 - t) + Math.log(s.final) * t);
}
