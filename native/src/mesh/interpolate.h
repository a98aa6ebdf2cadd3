// Stage 2: attributes interpolated with the raster's perspective-correct barycentrics, a_p = Σ b_i·A[v_i]
// (0 where no triangle covers the pixel).
#pragma once
#include "types.h"

namespace kiln::mesh {

// out: B×channels×H×W.
void interpolate(const Mesh& mesh, const Views& views, const Raster& rast, const Attributes& attrs, float* out,
                 ThreadPool& pool);

// Overwrites dAttributes (V×channels) and dBary (B×2×H×W, the gradient of the raster's b0 and b1).
void interpolateBackward(const Mesh& mesh, const Views& views, const Raster& rast, const Attributes& attrs,
                         const float* dOut, float* dAttributes, float* dBary, ThreadPool& pool);

}  // namespace kiln::mesh
