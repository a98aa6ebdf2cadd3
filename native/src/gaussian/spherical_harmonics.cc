#include "spherical_harmonics.h"

namespace kiln::gs {
namespace {
constexpr float C0 = 0.28209479177387814f;
constexpr float C1 = 0.4886025119029199f;
constexpr float C2[5] = {1.0925484305920792f, -1.0925484305920792f, 0.31539156525252005f, -1.0925484305920792f,
                         0.5462742152960396f};
constexpr float C3[7] = {-0.5900435899266435f, 2.890611442640554f, -0.4570457994644658f, 0.3731763325901154f,
                         -0.4570457994644658f, 1.445305721320277f,  -0.5900435899266435f};

inline void set(float* basis, float* grad, int k, float v, float gx, float gy, float gz) {
  basis[k] = v;
  if (grad) {
    grad[3 * k] = gx;
    grad[3 * k + 1] = gy;
    grad[3 * k + 2] = gz;
  }
}
}  // namespace

void evalShBasis(int degree, float x, float y, float z, float* b, float* g) {
  set(b, g, 0, C0, 0, 0, 0);
  if (degree < 1) return;
  set(b, g, 1, -C1 * y, 0, -C1, 0);
  set(b, g, 2, C1 * z, 0, 0, C1);
  set(b, g, 3, -C1 * x, -C1, 0, 0);
  if (degree < 2) return;
  const float xx = x * x, yy = y * y, zz = z * z;
  set(b, g, 4, C2[0] * x * y, C2[0] * y, C2[0] * x, 0);
  set(b, g, 5, C2[1] * y * z, 0, C2[1] * z, C2[1] * y);
  set(b, g, 6, C2[2] * (2 * zz - xx - yy), -2 * C2[2] * x, -2 * C2[2] * y, 4 * C2[2] * z);
  set(b, g, 7, C2[3] * x * z, C2[3] * z, 0, C2[3] * x);
  set(b, g, 8, C2[4] * (xx - yy), 2 * C2[4] * x, -2 * C2[4] * y, 0);
  if (degree < 3) return;
  set(b, g, 9, C3[0] * y * (3 * xx - yy), C3[0] * 6 * x * y, C3[0] * (3 * xx - 3 * yy), 0);
  set(b, g, 10, C3[1] * x * y * z, C3[1] * y * z, C3[1] * x * z, C3[1] * x * y);
  set(b, g, 11, C3[2] * y * (4 * zz - xx - yy), C3[2] * -2 * x * y, C3[2] * (4 * zz - xx - 3 * yy), C3[2] * 8 * y * z);
  set(b, g, 12, C3[3] * z * (2 * zz - 3 * xx - 3 * yy), C3[3] * -6 * x * z, C3[3] * -6 * y * z,
      C3[3] * (6 * zz - 3 * xx - 3 * yy));
  set(b, g, 13, C3[4] * x * (4 * zz - xx - yy), C3[4] * (4 * zz - 3 * xx - yy), C3[4] * -2 * x * y, C3[4] * 8 * x * z);
  set(b, g, 14, C3[5] * z * (xx - yy), C3[5] * 2 * x * z, C3[5] * -2 * y * z, C3[5] * (xx - yy));
  set(b, g, 15, C3[6] * x * (xx - 3 * yy), C3[6] * (3 * xx - 3 * yy), C3[6] * -6 * x * y, 0);
}

}  // namespace kiln::gs
