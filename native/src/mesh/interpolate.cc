#include "interpolate.h"

namespace kiln::mesh {
namespace {

// The attribute rows of triangle f's three corners.
inline void corners(const Mesh& mesh, const Attributes& attrs, int32_t f, const float* A[3]) {
  for (int i = 0; i < 3; ++i) A[i] = attrs.values + static_cast<size_t>(mesh.triangles[3 * f + i]) * attrs.channels;
}

// The pixel's barycentrics (b0, b1, 1 − b0 − b1).
inline void weights(const Raster& rast, size_t plane, int b, size_t p, double w[3]) {
  w[0] = rast.bary[2 * b * plane + p];
  w[1] = rast.bary[(2 * b + 1) * plane + p];
  w[2] = 1.0 - w[0] - w[1];
}

}  // namespace

void interpolate(const Mesh& mesh, const Views& views, const Raster& rast, const Attributes& attrs, float* out,
                 ThreadPool& pool) {
  const size_t plane = static_cast<size_t>(views.pixels());
  const int C = attrs.channels;
  forEachPixel(views, pool, [&](int b, size_t p) {
    const int32_t f = rast.triangleId[b * plane + p];
    float* o = out + static_cast<size_t>(b) * C * plane + p;
    if (f < 0) {
      for (int c = 0; c < C; ++c) o[c * plane] = 0.0f;
      return;
    }
    double w[3];
    const float* A[3];
    weights(rast, plane, b, p, w);
    corners(mesh, attrs, f, A);
    for (int c = 0; c < C; ++c) o[c * plane] = static_cast<float>(w[0] * A[0][c] + w[1] * A[1][c] + w[2] * A[2][c]);
  });
}

void interpolateBackward(const Mesh& mesh, const Views& views, const Raster& rast, const Attributes& attrs,
                         const float* dOut, float* dAttributes, float* dBary, ThreadPool& pool) {
  const size_t plane = static_cast<size_t>(views.pixels());
  const int C = attrs.channels;
  // ∂L/∂(b0, b1) per pixel: b2 = 1 − b0 − b1, so ∂a/∂b_k = A_k − A_2.
  forEachPixel(views, pool, [&](int b, size_t p) {
    const int32_t f = rast.triangleId[b * plane + p];
    double g0 = 0, g1 = 0;
    if (f >= 0) {
      const float* A[3];
      corners(mesh, attrs, f, A);
      const float* g = dOut + static_cast<size_t>(b) * C * plane + p;
      for (int c = 0; c < C; ++c) {
        g0 += g[c * plane] * (static_cast<double>(A[0][c]) - A[2][c]);
        g1 += g[c * plane] * (static_cast<double>(A[1][c]) - A[2][c]);
      }
    }
    dBary[2 * b * plane + p] = static_cast<float>(g0);
    dBary[(2 * b + 1) * plane + p] = static_cast<float>(g1);
  });
  // ∂L/∂A: one channel per task, pixels scattered in order, so sums do not depend on the thread count.
  pool.parallelFor(C, [&](int c) {
    std::vector<double> sum(static_cast<size_t>(mesh.vertexCount), 0.0);
    for (int b = 0; b < views.count; ++b) {
      const float* g = dOut + (static_cast<size_t>(b) * C + c) * plane;
      for (size_t p = 0; p < plane; ++p) {
        const int32_t f = rast.triangleId[b * plane + p];
        if (f < 0) continue;
        double w[3];
        weights(rast, plane, b, p, w);
        for (int i = 0; i < 3; ++i) sum[mesh.triangles[3 * f + i]] += w[i] * g[p];
      }
    }
    for (int v = 0; v < mesh.vertexCount; ++v) dAttributes[static_cast<size_t>(v) * C + c] = static_cast<float>(sum[v]);
  });
}

}  // namespace kiln::mesh
