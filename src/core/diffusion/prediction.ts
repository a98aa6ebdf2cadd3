/**
 * Conversions between what a model predicts (ε, v) and the clean estimate x̂₀, elementwise for one ᾱ:
 * x_t = √ᾱ·x₀ + √(1−ᾱ)·ε and v = √ᾱ·ε − √(1−ᾱ)·x₀.
 */
type Vec = Float32Array;

function map2(a: Vec, b: Vec, fa: number, fb: number): Float32Array {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = fa * a[i]! + fb * b[i]!;
  return out;
}

export function x0FromEpsilon(xt: Vec, eps: Vec, alphaBar: number): Float32Array {
  return map2(xt, eps, 1 / Math.sqrt(alphaBar), -Math.sqrt(1 - alphaBar) / Math.sqrt(alphaBar));
}

export function epsilonFromX0(xt: Vec, x0: Vec, alphaBar: number): Float32Array {
  return map2(xt, x0, 1 / Math.sqrt(1 - alphaBar), -Math.sqrt(alphaBar) / Math.sqrt(1 - alphaBar));
}

export function epsilonFromV(xt: Vec, v: Vec, alphaBar: number): Float32Array {
  return map2(xt, v, Math.sqrt(1 - alphaBar), Math.sqrt(alphaBar));
}

/** x̂₀ = √ᾱ·x_t − √(1−ᾱ)·v. */
export function x0FromV(xt: Vec, v: Vec, alphaBar: number): Float32Array {
  return map2(xt, v, Math.sqrt(alphaBar), -Math.sqrt(1 - alphaBar));
}

export function vFromEpsilon(xt: Vec, eps: Vec, alphaBar: number): Float32Array {
  // v = √ᾱ·ε − √(1−ᾱ)·x₀ with x₀ = (x_t − √(1−ᾱ)ε)/√ᾱ simplifies to (ε − √(1−ᾱ)·x_t)/√ᾱ.
  return map2(eps, xt, 1 / Math.sqrt(alphaBar), -Math.sqrt(1 - alphaBar) / Math.sqrt(alphaBar));
}

export function addNoise(x0: Vec, eps: Vec, alphaBar: number): Float32Array {
  return map2(x0, eps, Math.sqrt(alphaBar), Math.sqrt(1 - alphaBar));
}
