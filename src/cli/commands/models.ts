import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KilnError } from '../../shared/errors';
import { loadClipTokenizer } from '../../core/diffusion/clip-tokenizer';
import { buildDemoPack, demoPackDir, ensureDemoPack } from '../../core/diffusion/demo/build-demo-pack';
import { DEMO_KINDS, type DemoKind } from '../../core/diffusion/demo/demo-params';
import { availableProviders, listBackends } from '../../core/diffusion/execution-providers';
import { describePack, openModelPack, type OpenedPack } from '../../core/diffusion/model-pack';
import { measurePack } from '../../core/diffusion/measure-pack';
import { EXECUTION_PROVIDERS, SessionSettings } from '../../core/diffusion/session-settings';
import { METHODS } from '../../core/distill/registry';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { HOME_OPTION, JSON_OPTION, type CliIo, type Command } from '../command';

function demoKind(raw: unknown): DemoKind {
  const kind = (raw ?? 'pixel') as DemoKind;
  if (!DEMO_KINDS.includes(kind)) throw new KilnError('invalid-request', `--kind must be one of ${DEMO_KINDS.join(', ')} (got "${String(raw)}")`);
  return kind;
}

interface PackListing {
  name: string;
  path: string;
  built: boolean;
  kind?: string;
  problem?: string;
}

function listPacks(home: string): PackListing[] {
  const root = join(home, 'models');
  const names = new Set(existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.includes('.building-')).map((e) => e.name) : []);
  for (const kind of DEMO_KINDS) names.add(`demo-${kind}`);
  return [...names].sort().map((name) => {
    const path = join(root, name);
    if (!existsSync(path)) return { name, path, built: false };
    try {
      return { name, path, built: true, kind: describePack(path).manifest.kind };
    } catch (err) {
      if (err instanceof KilnError) return { name, path, built: true, problem: err.message };
      throw err;
    }
  });
}

function formatList(packs: PackListing[]): string {
  const width = Math.max(...packs.map((p) => p.name.length));
  const lines = packs.map((p) => {
    const state = !p.built ? `not built (kiln models build-demo --kind ${p.name.replace('demo-', '')})` : p.problem ? `damaged: ${p.problem}` : p.kind;
    return `${p.name.padEnd(width)}  ${state}`;
  });
  return lines.join('\n') + '\n';
}

/**
 * What a run can do with the pack: every method needs renders encoded into the prior's space (pixel packs, a VAE
 * encoder, or kiln.json's RGB→latent matrix), and Kiln distils at the pack's native size.
 */
function support(pack: OpenedPack) {
  const canEncode = !pack.vaeDecoder || Boolean(pack.vaeEncoder) || Boolean(pack.manifest.rgbToLatent);
  return {
    methods: canEncode ? METHODS.map((m) => m.name) : [],
    resolutions: [pack.imageSize],
    /** The UNet's size axes are dynamic: it would take other sizes, though Kiln distils at the native one. */
    dynamicSize: pack.dynamicSize,
    cfg: pack.cfg,
    note: canEncode ? null : 'no vae_encoder/model.onnx and no rgbToLatent in kiln.json: renders cannot be encoded, so no method can run',
  };
}

async function inspect(pack: OpenedPack) {
  const backends = await listBackends();
  return {
    path: pack.dir,
    kind: pack.manifest.kind,
    resolution: pack.imageSize,
    latentShape: pack.latentShape,
    latent: Boolean(pack.vaeDecoder),
    scalingFactor: pack.scalingFactor,
    scheduler: pack.schedule.config,
    sdxl: pack.isSdxl,
    vaeEncoderOutput: pack.vaeEncoder?.layout ?? null,
    support: support(pack),
    camera: pack.manifest.camera ?? null,
    prompts: pack.manifest.prompts,
    providersAvailable: availableProviders(backends),
    providersUsed: pack.providers,
    warnings: pack.warnings,
    models: Object.fromEntries(Object.entries(pack.sessions).map(([name, s]) => [name, { file: s.file, inputs: s.inputs, outputs: s.outputs }])),
  };
}

function formatInspect(info: Awaited<ReturnType<typeof inspect>>): string {
  const shape = (s: (number | string)[]) => `[${s.join(', ')}]`;
  const lines = [
    `Pack        ${info.path}`,
    `Kind        ${info.kind}${info.latent ? `, latent (scaling factor ${info.scalingFactor})` : ', pixel space'}`,
    `Resolution  ${info.resolution}×${info.resolution}, sample ${info.latentShape.join('×')}`,
    `Methods     ${info.support.methods.join(', ') || `none (${info.support.note})`}${info.support.cfg ? '' : '; guidance-distilled: no CFG'}`,
    `Sizes       ${info.support.resolutions.map((r) => `${r}×${r}`).join(', ')}${info.sdxl ? ' (SDXL)' : ''}${info.support.dynamicSize ? ' native; the UNet takes other sizes too' : ''}${info.vaeEncoderOutput ? `, VAE encoder gives ${info.vaeEncoderOutput}` : ''}`,
    `Scheduler   ${info.scheduler.beta_schedule} β ${info.scheduler.beta_start}–${info.scheduler.beta_end}, ${info.scheduler.prediction_type}, ${info.scheduler.timestep_spacing} spacing`,
    `Providers   available: ${info.providersAvailable.join(', ')}; using ${info.providersUsed.join(' → ')}`,
  ];
  if (info.camera) {
    const c = info.camera;
    lines.push(`Cameras     orbit r=${c.radiusM} m, fovY ${c.fovYDeg}°, elevation ${c.elevationRangeDeg.join('…')}°, azimuth ${c.azimuthRangeDeg.join('…')}°`);
  }
  if (info.prompts.length > 0) lines.push(`Prompts     ${info.prompts.map((p) => JSON.stringify(p)).join(', ')}`);
  for (const [name, m] of Object.entries(info.models)) {
    lines.push(`${name}:`);
    for (const i of m.inputs) lines.push(`  in   ${i.name.padEnd(24)} ${i.type.padEnd(8)} ${shape(i.shape)}`);
    for (const o of m.outputs) lines.push(`  out  ${o.name.padEnd(24)} ${o.type.padEnd(8)} ${shape(o.shape)}`);
  }
  for (const w of info.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

function providerOption(raw: unknown) {
  const provider = SessionSettings.shape.executionProvider.safeParse(raw ?? 'auto');
  if (!provider.success) throw new KilnError('invalid-request', `--provider must be auto or one of ${EXECUTION_PROVIDERS.join(', ')}`);
  return provider.data;
}

const ACTIONS: Record<string, (values: Record<string, unknown>, args: string[], io: CliIo) => Promise<number>> = {
  async list(values, _args, io) {
    const packs = listPacks(resolveKilnHome(values.home as string | undefined, io.env));
    io.out(values.json ? JSON.stringify(packs, null, 2) + '\n' : formatList(packs));
    return 0;
  },
  async inspect(values, [target], io) {
    if (!target) throw new KilnError('invalid-request', 'name a pack folder or "demo": kiln models inspect PATH|demo');
    const executionProvider = providerOption(values.provider);
    const dir =
      target === 'demo' ? ensureDemoPack(resolveKilnHome(values.home as string | undefined, io.env), demoKind(values.kind)).dir : resolve(target);
    const pack = await openModelPack(dir, { executionProvider });
    try {
      const info = await inspect(pack);
      io.out(values.json ? JSON.stringify(info, null, 2) + '\n' : formatInspect(info));
    } finally {
      await Promise.all(Object.values(pack.sessions).map((s) => s.session.release()));
    }
    return 0;
  },
  async measure(values, [target], io) {
    if (!target) throw new KilnError('invalid-request', 'name a pack folder: kiln models measure PATH [--repeats N]');
    const repeats = Number(values.repeats ?? 3);
    if (!Number.isInteger(repeats) || repeats < 1) throw new KilnError('invalid-request', '--repeats must be a whole number ≥ 1');
    const m = await measurePack(resolve(target), repeats, { executionProvider: providerOption(values.provider) });
    if (values.json) {
      io.out(JSON.stringify(m, null, 2) + '\n');
      return 0;
    }
    io.out(
      [
        `Pack         ${resolve(target)} at ${m.imageSize}×${m.imageSize}, on ${m.providers.join(' → ')}`,
        `Open         ${m.openSeconds.toFixed(2)} s`,
        `UNet call    ${m.guidedCallSeconds.toFixed(3)} s per guided prediction (CFG: 2 rows in one call; median of ${repeats})`,
        `VAE          ${m.vaeRoundTripSeconds.toFixed(3)} s per encode + decode of one image`,
        `Memory       ${m.residentMiB.toFixed(0)} MiB resident once open, ${m.peakResidentMiB.toFixed(0)} MiB peak (CPU memory)`,
      ].join('\n') + '\n',
    );
    return 0;
  },
  async 'build-demo'(values, _args, io) {
    const kind = demoKind(values.kind);
    const dir = values.out ? resolve(values.out as string) : demoPackDir(resolveKilnHome(values.home as string | undefined, io.env), kind);
    const result = buildDemoPack(dir, { kind });
    io.out(values.json ? JSON.stringify({ dir, kind, elapsedMs: Math.round(result.elapsedMs) }) + '\n' : `Built the ${kind} demo prior in ${dir} (${(result.elapsedMs / 1000).toFixed(1)} s)\n`);
    return 0;
  },
  async tokenize(values, args, io) {
    if (typeof values.tokenizer !== 'string') throw new KilnError('invalid-request', 'give the tokenizer folder: kiln models tokenize --tokenizer DIR -- "prompt"');
    const result = loadClipTokenizer(resolve(values.tokenizer)).tokenize(args.join(' '));
    if (values.json) io.out(JSON.stringify({ ids: result.ids.slice(0, result.count), padded: result.ids, count: result.count, truncated: result.truncated }) + '\n');
    else io.out(`${result.ids.slice(0, result.count).join(' ')}\n${result.count} tokens${result.truncated ? ' (truncated: the prompt is longer than the model reads)' : ''}\n`);
    return 0;
  },
};

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List, inspect, measure and build diffusion model packs; tokenize a prompt.',
  usage: `kiln models [list] [--json] [--home DIR]
       kiln models inspect PATH|demo [--kind pixel|latent|view] [--provider auto|cuda|dml|coreml|cpu] [--json]
       kiln models measure PATH [--repeats N] [--provider …] [--json]   (seconds per UNet call, memory)
       kiln models build-demo [--kind pixel|latent|view] [--out DIR]
       kiln models tokenize --tokenizer DIR [--json] -- "prompt"`,
  options: { ...HOME_OPTION, ...JSON_OPTION, kind: { type: 'string' }, out: { type: 'string' }, tokenizer: { type: 'string' }, provider: { type: 'string' }, repeats: { type: 'string' } },
  async run({ values, positionals }, io) {
    const [action = 'list', ...args] = positionals;
    const handler = ACTIONS[action];
    if (!handler) {
      io.err(`kiln models: unknown action "${action}" (use ${Object.keys(ACTIONS).join(', ')})\n`);
      return 2;
    }
    return handler(values, args, io);
  },
};
