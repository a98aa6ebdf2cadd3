import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCENE_EXTENT_M } from '../../../../src/core/scene/gaussians/gaussian-model';
import { DmtetSettings, parseDmtetSettings } from '../../../../src/core/scene/dmtet/dmtet-settings';
import { buildTetGrid, edgeCount, findEdge, tetCount, vertexCount, type TetGrid } from '../../../../src/core/scene/dmtet/tet-grid';
import { loadTetGrid, tetGridCachePath } from '../../../../src/core/scene/dmtet/tet-grid-cache';
import { KilnError } from '../../../../src/shared/errors';

const grid32 = buildTetGrid(32);

function tetVolume(grid: TetGrid, t: number): number {
  const p = grid.positions;
  const [a, b, c, d] = [0, 1, 2, 3].map((k) => 3 * grid.tets[4 * t + k]!) as [number, number, number, number];
  const u = [0, 1, 2].map((x) => p[b + x]! - p[a + x]!), v = [0, 1, 2].map((x) => p[c + x]! - p[a + x]!), w = [0, 1, 2].map((x) => p[d + x]! - p[a + x]!);
  return (u[0]! * (v[1]! * w[2]! - v[2]! * w[1]!) - u[1]! * (v[0]! * w[2]! - v[2]! * w[0]!) + u[2]! * (v[0]! * w[1]! - v[1]! * w[0]!)) / 6;
}

const radiusOf = (grid: TetGrid, v: number) => Math.hypot(grid.positions[3 * v]!, grid.positions[3 * v + 1]!, grid.positions[3 * v + 2]!);

describe('Kuhn tetrahedral grid', () => {
  it('has 6 tetrahedra per lattice cube near the ball, all of positive volume h³/6, together covering the ball', () => {
    const h = (2 * SCENE_EXTENT_M) / 32;
    expect(grid32.cellM).toBeCloseTo(h, 12);
    expect(tetCount(grid32)).toBeGreaterThan(0);
    expect(tetCount(grid32)).toBeLessThan(6 * 32 ** 3); // the corners of the box are trimmed
    let total = 0, wrongVolume = 0;
    for (let t = 0; t < tetCount(grid32); t++) {
      const v = tetVolume(grid32, t);
      if (!(Math.abs(v - h ** 3 / 6) < 1e-12)) wrongVolume++;
      total += v;
    }
    expect(wrongVolume).toBe(0);
    expect(total).toBeGreaterThan((4 / 3) * Math.PI * SCENE_EXTENT_M ** 3);
    expect(total).toBeLessThan(8 * SCENE_EXTENT_M ** 3);
    // Every vertex is used and lies on the lattice.
    const used = new Uint8Array(vertexCount(grid32));
    for (const v of grid32.tets) used[v] = 1;
    expect(used.every((u) => u === 1)).toBe(true);
  });

  it('is conforming: every face is shared by two tetrahedra except on the shell, outside the generation ball', () => {
    const faces = new Map<string, number>();
    for (let t = 0; t < tetCount(grid32); t++) {
      const c = Array.from(grid32.tets.subarray(4 * t, 4 * t + 4));
      for (let skip = 0; skip < 4; skip++) {
        const key = c.filter((_, k) => k !== skip).sort((a, b) => a - b).join(',');
        faces.set(key, (faces.get(key) ?? 0) + 1);
      }
    }
    const shell = new Set(grid32.shell);
    let boundary = 0, overShared = 0, boundaryOffShell = 0;
    for (const [key, n] of faces) {
      if (n > 2) overShared++;
      if (n === 1) {
        boundary++;
        for (const v of key.split(',').map(Number)) if (!shell.has(v) || radiusOf(grid32, v) < SCENE_EXTENT_M) boundaryOffShell++;
      }
    }
    expect(overShared).toBe(0);
    expect(boundaryOffShell).toBe(0);
    expect(boundary).toBeGreaterThan(0);
    let misfiled = 0;
    for (let v = 0; v < vertexCount(grid32); v++) if (shell.has(v) !== radiusOf(grid32, v) >= SCENE_EXTENT_M) misfiled++;
    expect(misfiled).toBe(0);
  });

  it('lists each tetrahedron edge exactly once, in ascending compressed rows', () => {
    const fromTets = new Set<number>();
    const V = vertexCount(grid32);
    let missing = 0, wrong = 0;
    for (let t = 0; t < tetCount(grid32); t++)
      for (let a = 0; a < 4; a++)
        for (let b = a + 1; b < 4; b++) {
          const u = grid32.tets[4 * t + a]!, w = grid32.tets[4 * t + b]!;
          fromTets.add(Math.min(u, w) * V + Math.max(u, w));
          if (findEdge(grid32, u, w) < 0) missing++;
        }
    expect(missing).toBe(0);
    expect(edgeCount(grid32)).toBe(fromTets.size);
    for (let a = 0; a < V; a++)
      for (let e = grid32.edgeStart[a]!; e < grid32.edgeStart[a + 1]!; e++) {
        const b = grid32.edgeEnd[e]!;
        if (b <= a || (e > grid32.edgeStart[a]! && b <= grid32.edgeEnd[e - 1]!) || !fromTets.has(a * V + b)) wrong++;
      }
    expect(wrong).toBe(0);
    expect(findEdge(grid32, 0, V - 1)).toBe(-1);
  });

  it('refuses a resolution Kiln does not build, with the allowed ones in the message', () => {
    expect(() => buildTetGrid(48)).toThrow(KilnError);
    expect(() => buildTetGrid(48)).toThrow(/32, 64, 128/);
    expect(() => parseDmtetSettings({ gridResolution: 256 })).toThrow(/gridResolution: the tet grid resolution must be one of 32, 64, 128/);
    expect(() => parseDmtetSettings({ gridResolution: 256 })).toThrow(KilnError);
    expect(DmtetSettings.parse({}).gridResolution).toBe(64);
  });
});

describe('tet grid cache', () => {
  let home: string | undefined;
  afterEach(() => {
    if (home) rmSync(home, { recursive: true, force: true });
    home = undefined;
  });

  it('round-trips through KILN_HOME/cache/tet-grids and rebuilds a damaged or truncated file', () => {
    home = mkdtempSync(join(tmpdir(), 'kiln-tets-'));
    const first = loadTetGrid(home, 32);
    expect(first.fromCache).toBe(false);
    const second = loadTetGrid(home, 32);
    expect(second.fromCache).toBe(true);
    const same = (a: ArrayBufferView, b: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    for (const key of ['positions', 'tets', 'edgeStart', 'edgeEnd', 'shell'] as const) expect(same(second.grid[key], grid32[key]), key).toBe(true);
    expect(second.grid.cellM).toBe(grid32.cellM);

    const path = tetGridCachePath(home, 32);
    const bytes = readFileSync(path);
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 100]! ^= 0x10; // one bit inside the payload
    writeFileSync(path, flipped);
    const repaired = loadTetGrid(home, 32);
    expect(repaired.fromCache).toBe(false);
    expect(same(repaired.grid.tets, grid32.tets)).toBe(true);
    expect(readFileSync(path).equals(bytes)).toBe(true);

    writeFileSync(path, bytes.subarray(0, bytes.length - 4));
    expect(loadTetGrid(home, 32).fromCache).toBe(false);
    writeFileSync(path, Buffer.from('not a grid'));
    expect(loadTetGrid(home, 32).fromCache).toBe(false);
    expect(loadTetGrid(home, 32).fromCache).toBe(true);
  });

  it('still returns the grid when the cache cannot be written', () => {
    home = mkdtempSync(join(tmpdir(), 'kiln-tets-'));
    writeFileSync(join(home, 'cache'), 'a file where the cache folder should be');
    const { grid, fromCache } = loadTetGrid(home, 32);
    expect(fromCache).toBe(false);
    expect(tetCount(grid)).toBe(tetCount(grid32));
  });
});
