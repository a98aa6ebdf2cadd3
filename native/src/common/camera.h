// The kernels' camera, shared by the Gaussian and mesh rasterizers: OpenCV convention (x right, y down, looking down
// +z), packed by src/core/render/kernel-camera.ts as [R(9), t(3), fx, fy, cx, cy, near, 0]. Pixel (i, j) has its
// centre at (i + 0.5, j + 0.5).
#pragma once

namespace kiln {

constexpr int kPackedCameraFloats = 18;

struct Camera {
  float R[9];  // row-major world→camera rotation
  float t[3];
  float fx, fy, cx, cy, near;
  int width, height;
  float position[3];  // −Rᵀt
};

Camera unpackCamera(const float* packed, int width, int height);

}  // namespace kiln
