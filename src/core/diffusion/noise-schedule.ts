import { z } from 'zod';

export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const;
export const TIMESTEP_SPACINGS = ['leading', 'trailing', 'linspace'] as const;
export const PREDICTION_TYPES = ['epsilon', 'v_prediction'] as const;
export type BetaSchedule = (typeof BETA_SCHEDULES)[number];
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];
export type PredictionType = (typeof PREDICTION_TYPES)[number];

/** The fields of diffusers' scheduler_config.json that Kiln uses; defaults are DDIMScheduler's. */
export const SchedulerConfig = z.object({
  num_train_timesteps: z.number().int().positive().default(1000),
  beta_start: z.number().positive().default(0.0001),
  beta_end: z.number().positive().default(0.02),
  beta_schedule: z.enum(BETA_SCHEDULES).default('linear'),
  prediction_type: z.enum(PREDICTION_TYPES).default('epsilon'),
  steps_offset: z.number().int().nonnegative().default(0),
  timestep_spacing: z.enum(TIMESTEP_SPACINGS).default('leading'),
  set_alpha_to_one: z.boolean().default(true),
});
export type SchedulerConfig = z.infer<typeof SchedulerConfig>;

/** Fields a pack's scheduler_config.json must state: ᾱ_t follows from them, and no default is safe to assume. */
export const REQUIRED_SCHEDULER_FIELDS = ['beta_start', 'beta_end', 'beta_schedule'] as const;

/**
 * diffusers' class defaults for fields a config may omit (older exports omit timestep_spacing), where they differ
 * from DDIMScheduler's. Euler samplers end at σ = 0, i.e. ᾱ = 1. Unknown classes take DDIM's defaults.
 */
const CLASS_DEFAULTS: Record<string, Partial<SchedulerConfig>> = {
  EulerDiscreteScheduler: { timestep_spacing: 'linspace' },
  EulerAncestralDiscreteScheduler: { timestep_spacing: 'linspace' },
  PNDMScheduler: { set_alpha_to_one: false },
};

/** A pack's raw scheduler config with its class's defaults for the fields it omits (still to be parsed). */
export function withClassDefaults(raw: Record<string, unknown>): Record<string, unknown> {
  const defaults = CLASS_DEFAULTS[String(raw._class_name)] ?? {};
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(raw)) if (value !== null) out[key] = value;
  return out;
}

function linspace(start: number, end: number, count: number): number[] {
  if (count === 1) return [start];
  return Array.from({ length: count }, (_, i) => start + ((end - start) * i) / (count - 1));
}

export function betasFor(config: Pick<SchedulerConfig, 'num_train_timesteps' | 'beta_start' | 'beta_end' | 'beta_schedule'>): Float64Array {
  const T = config.num_train_timesteps;
  switch (config.beta_schedule) {
    case 'linear':
      return Float64Array.from(linspace(config.beta_start, config.beta_end, T));
    case 'scaled_linear':
      return Float64Array.from(linspace(Math.sqrt(config.beta_start), Math.sqrt(config.beta_end), T), (b) => b * b);
    case 'squaredcos_cap_v2': {
      // Nichol & Dhariwal's cosine schedule, betas capped at 0.999 as in diffusers' betas_for_alpha_bar.
      const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
      return Float64Array.from({ length: T }, (_, i) => Math.min(1 - alphaBar((i + 1) / T) / alphaBar(i / T), 0.999));
    }
  }
}

/** ᾱ_t = Π_{i≤t}(1 − β_i) for t = 0..T−1. */
export function alphasCumprod(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i++) out[i] = product *= 1 - betas[i]!;
  return out;
}

/** numpy's round (half to even), so spacings match diffusers exactly. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The descending inference timesteps diffusers' DDIMScheduler.set_timesteps would choose. */
export function inferenceTimesteps(config: SchedulerConfig, steps: number): number[] {
  const T = config.num_train_timesteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new Error(`steps must be an integer in 1..${T}`);
  switch (config.timestep_spacing) {
    case 'linspace':
      return linspace(0, T - 1, steps).map(roundHalfEven).reverse();
    case 'leading': {
      const ratio = Math.floor(T / steps);
      return Array.from({ length: steps }, (_, i) => i * ratio + config.steps_offset).reverse();
    }
    case 'trailing': {
      const ratio = T / steps;
      const out: number[] = [];
      for (let t = T; t > 0; t -= ratio) out.push(roundHalfEven(t) - 1);
      return out;
    }
  }
}

/** A schedule ready for sampling: ᾱ per timestep plus ᾱ for "t = −1", the fully clean end of a trajectory. */
export class NoiseSchedule {
  readonly alphasCumprod: Float64Array;
  readonly finalAlphaCumprod: number;

  constructor(readonly config: SchedulerConfig) {
    this.alphasCumprod = alphasCumprod(betasFor(config));
    this.finalAlphaCumprod = config.set_alpha_to_one ? 1 : this.alphasCumprod[0]!;
  }

  static from(raw: unknown): NoiseSchedule {
    return new NoiseSchedule(SchedulerConfig.parse(raw));
  }

  get trainTimesteps(): number {
    return this.config.num_train_timesteps;
  }

  /** ᾱ_t for t in 0..T−1; t = −1 is the clean end (set_alpha_to_one decides 1 or ᾱ_0). */
  alphaBar(t: number): number {
    if (t === -1) return this.finalAlphaCumprod;
    const a = this.alphasCumprod[t];
    if (a === undefined || !Number.isInteger(t)) throw new Error(`timestep ${t} is outside 0..${this.trainTimesteps - 1}`);
    return a;
  }

  timesteps(steps: number): number[] {
    return inferenceTimesteps(this.config, steps);
  }
}
