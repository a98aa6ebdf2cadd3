// Plain views over the JS-allocated mesh, camera and raster arrays the mesh kernels read and write.
#pragma once
#include <cstdint>
#include <vector>

#include "../common/camera.h"
#include "../common/thread_pool.h"

namespace kiln::mesh {

struct Mesh {
  const float* positions = nullptr;   // V×3, world space
  const uint32_t* triangles = nullptr;  // F×3 vertex indices (each < vertexCount)
  int vertexCount = 0;
  int triangleCount = 0;
};

// A batch of views sharing one image size; cameras packed as in common/camera.h.
struct Views {
  const float* cameras = nullptr;
  int count = 0;
  int width = 0;
  int height = 0;
  int pixels() const { return width * height; }
  Camera camera(int b) const { return unpackCamera(cameras + b * kPackedCameraFloats, width, height); }
};

// The rasterizer's per-pixel output, all views: triangle id (−1 = none) B×H×W, barycentrics (b0, b1; b2 = 1 − b0 −
// b1) B×2×H×W, camera-space depth B×H×W.
struct Raster {
  int32_t* triangleId = nullptr;
  float* bary = nullptr;
  float* depth = nullptr;
};

// Attributes per vertex, V×channels.
struct Attributes {
  const float* values = nullptr;
  int channels = 0;
};

// The pixel's viewing ray through its centre, in camera space with z = 1.
inline void pixelRay(const Camera& cam, int x, int y, double d[3]) {
  d[0] = (x + 0.5 - cam.cx) / cam.fx;
  d[1] = (y + 0.5 - cam.cy) / cam.fy;
  d[2] = 1.0;
}

inline void cross(const double a[3], const double b[3], double out[3]) {
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

inline double dot(const double a[3], const double b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

// Camera-space position (double) of vertex v.
inline void toCamera(const Mesh& m, const Camera& cam, int v, double out[3]) {
  const float* p = m.positions + 3 * v;
  for (int r = 0; r < 3; ++r)
    out[r] = static_cast<double>(cam.R[3 * r]) * p[0] + static_cast<double>(cam.R[3 * r + 1]) * p[1] +
             static_cast<double>(cam.R[3 * r + 2]) * p[2] + cam.t[r];
}

// Adds Rᵀ·g (a camera-space gradient taken back to world space) to out.
inline void addWorldGrad(const Camera& cam, const double g[3], double* out) {
  for (int a = 0; a < 3; ++a) out[a] += cam.R[a] * g[0] + cam.R[3 + a] * g[1] + cam.R[6 + a] * g[2];
}

// Runs fn(view, pixel index within the view) for every pixel of the batch, a row at a time per task.
template <typename Fn>
void forEachPixel(const Views& views, ThreadPool& pool, Fn&& fn) {
  pool.parallelFor(
      views.count * views.height,
      [&](int row) {
        const int b = row / views.height;
        const size_t start = static_cast<size_t>(row % views.height) * views.width;
        for (size_t p = start; p < start + views.width; ++p) fn(b, p);
      },
      2);
}

// Camera-space positions of all vertices, V×3.
std::vector<double> cameraSpace(const Mesh& m, const Camera& cam, ThreadPool& pool);

}  // namespace kiln::mesh
