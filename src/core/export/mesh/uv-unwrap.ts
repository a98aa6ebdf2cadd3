import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { KilnError } from '../../../shared/errors';
import type { TriangleMesh } from './triangle-mesh';

/** The build of xatlas in xatlas-web takes 16-bit vertex indices. */
export const MAX_UNWRAP_VERTICES = 0xffff;

/**
 * A mesh with a UV atlas: xatlas splits vertices along chart seams, so each output vertex names the input vertex it
 * came from (`sourceVertex`); `uvs` are in [0, 1] across the atlas, origin at the top-left like glTF's TEXCOORD_0.
 */
export interface UnwrappedMesh {
  indices: Uint32Array;
  sourceVertex: Uint32Array;
  uvs: Float32Array;
}

interface XatlasModule {
  ready: Promise<unknown>;
  HEAPU8: Uint8Array;
  createAtlas(): void;
  createMesh(vertexCount: number, indexCount: number, normals: boolean, uvs: boolean): { meshId: number; indexOffset: number; positionOffset: number };
  addMesh(): number;
  generateAtlas(): void;
  getMeshData(meshId: number): { newVertexCount: number; newIndexCount: number; indexOffset: number; originalIndexOffset: number; uvOffset: number };
  destroyAtlas(): void;
}

type XatlasFactory = (overrides: Record<string, unknown>) => XatlasModule;

let loaded: { factory: XatlasFactory; wasm: Buffer } | null = null;

/**
 * xatlas-web is an Emscripten build for browsers only: it refuses to start unless it sees `window`, and it fetches
 * its .wasm over HTTP. We evaluate its script in a separate VM context that provides the few browser globals it
 * probes, and hand it the .wasm bytes directly, so nothing touches Node's own globals.
 */
function xatlasFactory(): { factory: XatlasFactory; wasm: Buffer } {
  if (loaded) return loaded;
  const script = createRequire(import.meta.url).resolve('xatlas-web');
  const sandbox: Record<string, unknown> = {
    window: {},
    document: { currentScript: null },
    WebAssembly: (globalThis as Record<string, unknown>).WebAssembly,
    console,
    TextDecoder,
    setTimeout,
    clearTimeout,
    module: { exports: {} },
  };
  sandbox.exports = (sandbox.module as { exports: unknown }).exports;
  runInNewContext(readFileSync(script, 'utf8'), sandbox, { filename: script });
  const factory = (sandbox.module as { exports: XatlasFactory }).exports;
  loaded = { factory, wasm: readFileSync(join(dirname(script), 'xatlas-web.wasm')) };
  return loaded;
}

/**
 * Charts, parameterises and packs the mesh with xatlas (default options: it leaves a gap between charts for
 * bilinear filtering). A fresh WebAssembly instance per call keeps calls independent (the module keeps one global
 * atlas) and returns all its memory afterwards.
 */
export async function unwrapUvs(mesh: TriangleMesh): Promise<UnwrappedMesh> {
  const vertexCount = mesh.positions.length / 3;
  if (vertexCount > MAX_UNWRAP_VERTICES)
    throw new KilnError('invalid-request', `cannot unwrap a mesh with ${vertexCount} vertices (xatlas-web takes at most ${MAX_UNWRAP_VERTICES}); lower the target triangle count`);
  const { factory, wasm } = xatlasFactory();
  const silent = () => {};
  const x = factory({ wasmBinary: wasm, print: silent, printErr: silent });
  await x.ready;
  x.createAtlas();
  const info = x.createMesh(vertexCount, mesh.indices.length, false, false);
  new Uint16Array(x.HEAPU8.buffer, info.indexOffset, mesh.indices.length).set(mesh.indices);
  new Float32Array(x.HEAPU8.buffer, info.positionOffset, mesh.positions.length).set(mesh.positions);
  const status = x.addMesh();
  if (status !== 0) throw new Error(`xatlas rejected the mesh (AddMeshError ${status})`);
  x.generateAtlas();
  const out = x.getMeshData(info.meshId);
  const heap = x.HEAPU8.buffer;
  const result: UnwrappedMesh = {
    indices: new Uint32Array(heap, out.indexOffset, out.newIndexCount).slice(),
    sourceVertex: new Uint32Array(heap, out.originalIndexOffset, out.newVertexCount).slice(),
    uvs: new Float32Array(heap, out.uvOffset, 2 * out.newVertexCount).slice(),
  };
  x.destroyAtlas();
  return result;
}
