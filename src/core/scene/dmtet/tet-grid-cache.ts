import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-file';
import { assertTetGridResolution } from './dmtet-settings';
import { buildTetGrid, type TetGrid } from './tet-grid';

/**
 * The cache file layout, little-endian: "KTET", format version, resolution, vertex, tet, edge and shell counts
 * (u32 each), cell size (f64), the SHA-256 of the payload (32 bytes); then the payload: positions (f32 ×3V),
 * tets (u32 ×4T), edgeStart (u32 ×(V+1)), edgeEnd (u32 ×E), shell (u32 ×S). Bump the version whenever
 * buildTetGrid's output changes: an older file is then rebuilt.
 */
const MAGIC = 0x5445544b; // "KTET"
export const TET_GRID_FORMAT_VERSION = 1;
const HEADER_BYTES = 4 * 7 + 8 + 32;

export function tetGridCachePath(home: string, resolution: number): string {
  return join(home, 'cache', 'tet-grids', `kuhn-${resolution}.bin`);
}

/**
 * The grid of `resolution`, read from KILN_HOME/cache/tet-grids when a valid file is there, else built and written
 * (atomically, so a crash or a second process never leaves half a file; when it cannot be written, the grid is
 * still returned). A file that is truncated, of another
 * version or resolution, or whose payload does not match its checksum is rebuilt, never trusted.
 */
export function loadTetGrid(home: string, resolution: number): { grid: TetGrid; fromCache: boolean } {
  assertTetGridResolution(resolution);
  const path = tetGridCachePath(home, resolution);
  const cached = existsSync(path) ? decodeTetGrid(readFileSync(path), resolution) : undefined;
  if (cached) return { grid: cached, fromCache: true };
  const grid = buildTetGrid(resolution);
  try {
    mkdirSync(join(home, 'cache', 'tet-grids'), { recursive: true });
    writeFileAtomic(path, encodeTetGrid(grid));
  } catch {
    // The cache only saves a second or two: a full disk or a read-only home must not stop the run.
  }
  return { grid, fromCache: false };
}

function payloadArrays(grid: TetGrid): Uint8Array[] {
  return [grid.positions, grid.tets, grid.edgeStart, grid.edgeEnd, grid.shell].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

export function encodeTetGrid(grid: TetGrid): Uint8Array[] {
  const payload = payloadArrays(grid);
  const hash = createHash('sha256');
  for (const p of payload) hash.update(p);
  const header = new DataView(new ArrayBuffer(HEADER_BYTES));
  const counts = [MAGIC, TET_GRID_FORMAT_VERSION, grid.resolution, grid.positions.length / 3, grid.tets.length / 4, grid.edgeEnd.length, grid.shell.length];
  counts.forEach((c, i) => header.setUint32(4 * i, c, true));
  header.setFloat64(28, grid.cellM, true);
  const headerBytes = new Uint8Array(header.buffer);
  headerBytes.set(hash.digest(), 36);
  return [headerBytes, ...payload];
}

/** The grid in `bytes`, or undefined when they are not a complete, intact grid of `resolution`. */
export function decodeTetGrid(bytes: Uint8Array, resolution: number): TetGrid | undefined {
  if (bytes.byteLength < HEADER_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const u32 = (i: number) => view.getUint32(4 * i, true);
  if (u32(0) !== MAGIC || u32(1) !== TET_GRID_FORMAT_VERSION || u32(2) !== resolution) return undefined;
  const [vertices, tets, edges, shell] = [u32(3), u32(4), u32(5), u32(6)];
  const lengths = [3 * vertices, 4 * tets, vertices + 1, edges, shell];
  if (bytes.byteLength !== HEADER_BYTES + 4 * lengths.reduce((a, b) => a + b, 0)) return undefined;
  const payload = bytes.subarray(HEADER_BYTES);
  const digest = createHash('sha256').update(payload).digest();
  if (!digest.equals(bytes.subarray(36, HEADER_BYTES))) return undefined;
  // Copies, so each array is 4-byte aligned whatever the Buffer's offset.
  let at = 0;
  const take = (length: number) => {
    const copy = new Uint8Array(4 * length);
    copy.set(payload.subarray(at, at + 4 * length));
    at += 4 * length;
    return copy.buffer;
  };
  return {
    resolution,
    cellM: view.getFloat64(28, true),
    positions: new Float32Array(take(lengths[0]!)),
    tets: new Uint32Array(take(lengths[1]!)),
    edgeStart: new Uint32Array(take(lengths[2]!)),
    edgeEnd: new Uint32Array(take(lengths[3]!)),
    shell: new Uint32Array(take(lengths[4]!)),
  };
}
