// Real SH to degree 3 with the 3DGS constants (src/core/scene/gaussians/spherical-harmonics.ts is the same).
#pragma once

namespace kiln::gs {

// basis[k] = Y_k(x, y, z) for k < (degree+1)²; with grad, grad[3k..3k+2] = ∂Y_k/∂(x, y, z).
void evalShBasis(int degree, float x, float y, float z, float* basis, float* grad);

}  // namespace kiln::gs
