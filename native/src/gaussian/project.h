// Projection of one Gaussian into one camera (forward) and its hand-derived backward pass. The float64 JS
// reference in src/core/render/reference/ is the same algorithm line for line.
#pragma once
#include "types.h"

namespace kiln::gs {

// Intermediate values of the projection that the backward pass reuses (recomputed there, never stored).
struct Projection {
  float pView[3];
  float q[4];
  float qNorm;
  float rot[9];
  float scale[3];
  float cov3[9];
  float T[6];
  int clampX, clampY;
  float dir[3];
  float dirNorm;
};

// Fills `out` (radius 0 when the Gaussian is not drawn) and, if given, `proj`.
void projectGaussian(const Params& p, int i, const Camera& cam, int shDegree, Projected& out, Projection* proj);

// Screen-space gradient of one Gaussian in one view, as accumulated by the compositor's backward pass.
struct ScreenGrad {
  float u, v;
  float conicA, conicB, conicC;
  float opacity;
  float colour[3];
  float depth;
};

// Adds ∂L/∂(raw parameters of Gaussian i) to `grads`.
void projectGaussianBackward(const Params& p, int i, const Camera& cam, int shDegree, const Projected& pr,
                             const ScreenGrad& s, const Grads& grads);

}  // namespace kiln::gs
