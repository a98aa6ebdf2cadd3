// Stage 1: a z-buffered triangle pass. Each pixel's ray through its centre is intersected with the triangles in
// camera space (homogeneous rasterization): with the triangle's camera-space vertices v0, v1, v2 as the columns of
// V, the ray d solves d = V·c, c_i = (v_j × v_k)·d / det V, and the hit has barycentrics b_i = c_i / Σc and depth
// z = 1 / Σc. These are the perspective-correct barycentrics directly, and vertices behind the camera need no
// special case. Near plane: a fragment is kept only when its own depth exceeds the camera's near, which clips
// triangles that cross the plane exactly, per pixel, without cutting them into new triangles (their barycentrics stay
// those of the original triangle, so interpolation and gradients are unchanged). Ties in depth go to the lower
// triangle id, so the result never depends on the order of work. Derivation and backward: docs/mesh-rasterizer.md.
#pragma once
#include "types.h"

namespace kiln::mesh {

void rasterize(const Mesh& mesh, const Views& views, const Raster& out, ThreadPool& pool);

// Upstream gradients of the raster (dDepth may be null). Overwrites dPositions (V×3) with ∂L/∂positions through the
// barycentrics and depth of every covered pixel; which triangle covers a pixel is constant (edges are the antialias
// pass's business).
void rasterizeBackward(const Mesh& mesh, const Views& views, const Raster& rast, const float* dBary,
                       const float* dDepth, float* dPositions, ThreadPool& pool);

}  // namespace kiln::mesh
