// Plain views over the JS-allocated parameter and output arrays, and the per-Gaussian projection record.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../common/camera.h"
#include "constants.h"

namespace kiln::gs {

// Raw parameters in Kiln's layout (see src/core/scene/gaussians/gaussian-layout.ts).
struct Params {
  int count = 0;
  int shDegreeMax = 0;
  const float* means = nullptr;          // N×3
  const float* logScales = nullptr;      // N×3
  const float* quats = nullptr;          // N×4 (w, x, y, z)
  const float* opacityLogits = nullptr;  // N
  const float* shDc = nullptr;           // N×3
  const float* shRest = nullptr;         // N×3×(K−1), channel-major
  int restPerChannel() const { return (shDegreeMax + 1) * (shDegreeMax + 1) - 1; }
};

struct Grads {
  float* means;
  float* logScales;
  float* quats;
  float* opacityLogits;
  float* shDc;
  float* shRest;
};

using kiln::Camera;
using kiln::unpackCamera;

// One Gaussian seen from one camera: what compositing and its backward need.
struct Projected {
  float u, v, depth;
  float conicA, conicB, conicC;
  float opacity;
  float colour[3];
  // Half-extents (pixels) of the box outside which alpha < kAlphaMin: only pixels inside need evaluating.
  float reachX, reachY;
  int radius;  // 0 = not drawn
  int rect[4];  // tiles [x0, y0, x1, y1)
  uint8_t colourClamped;  // bit per channel
};

}  // namespace kiln::gs
