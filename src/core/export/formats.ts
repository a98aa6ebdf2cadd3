import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { z } from 'zod';
import { KilnError } from '../../shared/errors';
import { storageError, writeFileAtomic } from '../fs/atomic-file';
import type { GaussianArrays } from '../../shared/gaussians/gaussian-layout';
import { glbFormat } from './glb-format';
import { writeInriaPly } from './ply/ply-writer';
import { SogOptionsSchema, writeSog } from './sog';
import { SpzOptionsSchema, writeSpz } from './spz';

/** One way to write Kiln's Gaussians to a file (`kiln export --format NAME`). */
export interface ExportFormat<O extends z.ZodType = z.ZodType> {
  /** The name users type: `--format ply`. */
  name: string;
  /** The file extension, without the dot; the destination must end in it. */
  extension: string;
  title: string;
  /** One line for help text and the studio's export menu. */
  summary: string;
  /** This format's options; defaults live here, and `{}` must parse. */
  options: O;
  /** The file's bytes (one buffer or consecutive chunks); never touches the file system. */
  write(g: GaussianArrays, options: z.output<O>): Promise<Uint8Array | Uint8Array[]>;
}

/** Keeps `write`'s options typed by the format's own schema while the registry holds them all alike. */
export function defineExportFormat<O extends z.ZodType>(format: ExportFormat<O>): ExportFormat {
  return format as unknown as ExportFormat;
}

const plyFormat = defineExportFormat({
  name: 'ply',
  extension: 'ply',
  title: '3D Gaussian Splatting PLY',
  summary: 'Every parameter at full float32 precision in the Inria layout that splat viewers, editors and trainers read.',
  options: z.object({}).strict(),
  write: async (g) => writeInriaPly(g),
});

const spzFormat = defineExportFormat({
  name: 'spz',
  extension: 'spz',
  title: 'SPZ (compressed splats)',
  summary: "Niantic's compressed splat format, about a tenth of the PLY's size, read by Spark, three.js and SuperSplat.",
  options: SpzOptionsSchema,
  write: writeSpz,
});

const sogFormat = defineExportFormat({
  name: 'sog',
  extension: 'sog',
  title: 'SOG (PlayCanvas compressed splats)',
  summary: "PlayCanvas's texture-packed splat bundle for SuperSplat and PlayCanvas; slow to encode (k-means over SH).",
  options: SogOptionsSchema,
  write: writeSog,
});

/** Every export format, registered in one place; `kiln export`, the studio and `kiln bench export` iterate it. */
export const EXPORT_FORMATS: ExportFormat[] = [plyFormat, spzFormat, sogFormat, glbFormat];

function knownFormats(): string {
  return EXPORT_FORMATS.map((f) => f.name).join(', ');
}

/** The registered format called `name`, or a KilnError listing the known ones. */
export function findExportFormat(name: string): ExportFormat {
  const format = EXPORT_FORMATS.find((f) => f.name === name.toLowerCase());
  if (!format) throw new KilnError('invalid-request', `unknown export format "${name}"; choose one of: ${knownFormats()}`);
  return format;
}

/** The format a destination's extension names (for `--out FILE.ply` without `--format`). */
export function exportFormatForPath(path: string): ExportFormat {
  const extension = extname(path).slice(1).toLowerCase();
  const format = EXPORT_FORMATS.find((f) => f.extension === extension);
  if (!format) {
    const known = EXPORT_FORMATS.map((f) => `.${f.extension}`).join(', ');
    throw new KilnError('invalid-request', `cannot tell the export format from "${basename(path)}"; end the file name in one of ${known}`);
  }
  return format;
}

function checkExtension(format: ExportFormat, path: string): void {
  const extension = extname(path).slice(1).toLowerCase();
  if (extension === format.extension) return;
  const stem = extension ? basename(path).slice(0, -extension.length - 1) : basename(path);
  const matching = EXPORT_FORMATS.find((f) => f.extension === extension);
  throw new KilnError(
    'invalid-request',
    `"${basename(path)}" does not end in .${format.extension}, the ${format.name} format's extension; ` +
      `name it "${stem}.${format.extension}"${matching ? ` or choose --format ${matching.name}` : ''}`,
  );
}

/** Fails before a long encode if the destination's folder is missing or read-only, or the path is a folder. */
function checkDestination(path: string): void {
  try {
    accessSync(dirname(path), constants.W_OK);
  } catch (err) {
    throw storageError(err, path);
  }
  let isFolder = false;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    // Not there yet: the usual case.
  }
  if (isFolder) throw new KilnError('storage', `cannot write ${path}: it is a folder; choose a file name inside it`);
}

export interface ExportResult {
  format: string;
  path: string;
  byteLength: number;
}

/**
 * Writes `g` to `path` as `formatName` with the format's options (validated; missing ones take their defaults).
 * The file appears whole or not at all (writeFileAtomic): a failed export leaves no partial file behind.
 */
export async function exportGaussians(g: GaussianArrays, formatName: string, path: string, options: unknown = {}): Promise<ExportResult> {
  const format = findExportFormat(formatName);
  checkExtension(format, path);
  const write = prepareExport(g, format, options);
  checkDestination(path);
  const encoded = await write();
  writeFileAtomic(path, encoded.chunks);
  return { format: format.name, path, byteLength: encoded.byteLength };
}

/**
 * Writes what `encode` makes of the format's parsed options to `path`, with exportGaussians's checks: for a
 * payload that is not Gaussians (a mesh stage's GLB).
 */
export async function exportEncoded(formatName: string, path: string, options: unknown, encode: (options: unknown) => Promise<Uint8Array>): Promise<ExportResult> {
  const format = findExportFormat(formatName);
  checkExtension(format, path);
  const parsed = parseExportOptions(format, options);
  checkDestination(path);
  const bytes = await encode(parsed);
  writeFileAtomic(path, [bytes]);
  return { format: format.name, path, byteLength: bytes.byteLength };
}

export interface EncodedExport {
  format: ExportFormat;
  chunks: Uint8Array[];
  byteLength: number;
}

/** Checks the options and the Gaussians, then returns the function that encodes them (the slow part). */
function prepareExport(g: GaussianArrays, format: ExportFormat, options: unknown): () => Promise<EncodedExport> {
  const parsed = parseExportOptions(format, options);
  if (g.count === 0) throw new KilnError('invalid-request', 'there are no Gaussians to export (the snapshot is empty)');
  return async () => {
    const bytes = await format.write(g, parsed);
    const chunks = bytes instanceof Uint8Array ? [bytes] : bytes;
    return { format, chunks, byteLength: chunks.reduce((sum, c) => sum + c.byteLength, 0) };
  };
}

/** The format's options with their defaults, or a KilnError saying which option is wrong. */
export function parseExportOptions(format: ExportFormat, options: unknown): unknown {
  const parsed = format.options.safeParse(options);
  if (!parsed.success) {
    throw new KilnError('invalid-request', `invalid options for the ${format.name} format: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** The bytes of `g` as `formatName` (validated options), for exports that go somewhere other than a file path. */
export function encodeExport(g: GaussianArrays, formatName: string, options: unknown = {}): Promise<EncodedExport> {
  return prepareExport(g, findExportFormat(formatName), options)();
}
