#include "rasterize.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kiln::mesh {
namespace {

constexpr int kTile = 16;

struct Setup {
  double n[3][3];  // n_i = v_j × v_k (i, j, k cyclic); E_i(d) = n_i·d
  double det;      // v0·(v1 × v2)
  int box[4];      // pixels [x0, x1) × [y0, y1); empty when x0 ≥ x1
};

void vertices(const std::vector<double>& camPos, const Mesh& m, int f, double v[3][3]) {
  for (int i = 0; i < 3; ++i)
    for (int a = 0; a < 3; ++a) v[i][a] = camPos[3 * static_cast<size_t>(m.triangles[3 * f + i]) + a];
}

// Pixel box around the part of the triangle in front of the near plane (the triangle clipped to z ≥ near, projected).
void pixelBox(const double v[3][3], const Camera& cam, int box[4]) {
  double lo[2] = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  double hi[2] = {-lo[0], -lo[1]};
  auto include = [&](const double p[3]) {
    const double x = cam.fx * p[0] / p[2] + cam.cx, y = cam.fy * p[1] / p[2] + cam.cy;
    lo[0] = std::min(lo[0], x), hi[0] = std::max(hi[0], x);
    lo[1] = std::min(lo[1], y), hi[1] = std::max(hi[1], y);
  };
  for (int i = 0; i < 3; ++i) {
    const double* p = v[i];
    const double* q = v[(i + 1) % 3];
    const bool pIn = p[2] > cam.near, qIn = q[2] > cam.near;
    if (pIn) include(p);
    if (pIn != qIn) {
      const double s = (cam.near - p[2]) / (q[2] - p[2]);
      const double c[3] = {p[0] + s * (q[0] - p[0]), p[1] + s * (q[1] - p[1]), static_cast<double>(cam.near)};
      include(c);
    }
  }
  box[0] = box[2] = 0;
  box[1] = box[3] = 0;
  if (!(lo[0] <= hi[0]) || !std::isfinite(lo[0]) || !std::isfinite(hi[0]) || !std::isfinite(lo[1]) ||
      !std::isfinite(hi[1]))
    return;
  // Pixel i's centre is i + 0.5; a 10⁻³ px margin keeps rounding from dropping a centre on the box's edge.
  // Clamped to the image in double before converting: a vertex just beyond the near plane projects very far out.
  constexpr double kMargin = 1e-3;
  const double size[2] = {static_cast<double>(cam.width), static_cast<double>(cam.height)};
  for (int a = 0; a < 2; ++a) {
    box[2 * a] = static_cast<int>(std::clamp(std::ceil(lo[a] - 0.5 - kMargin), 0.0, size[a]));
    box[2 * a + 1] = static_cast<int>(std::clamp(std::floor(hi[a] - 0.5 + kMargin) + 1, 0.0, size[a]));
  }
  if (box[0] >= box[1] || box[2] >= box[3]) box[0] = box[1] = box[2] = box[3] = 0;
}

void setup(const double v[3][3], const Camera& cam, Setup& s) {
  for (int i = 0; i < 3; ++i) cross(v[(i + 1) % 3], v[(i + 2) % 3], s.n[i]);
  s.det = dot(v[0], s.n[0]);
  if (s.det == 0 || !std::isfinite(s.det)) {
    s.box[0] = s.box[1] = s.box[2] = s.box[3] = 0;
    return;
  }
  pixelBox(v, cam, s.box);
}

// The ray d's hit on the triangle: true (with E, S = ΣE and depth) when it lies inside, in front of the near plane.
inline bool hit(const Setup& s, const double d[3], float near, double E[3], double& S, double& z) {
  const double sign = s.det > 0 ? 1.0 : -1.0;
  for (int i = 0; i < 3; ++i) {
    E[i] = dot(s.n[i], d);
    if (sign * E[i] < 0) return false;
  }
  S = E[0] + E[1] + E[2];
  if (!(sign * S > 0)) return false;
  z = s.det / S;
  return z > near;
}

void rasterizeView(const Mesh& m, const Camera& cam, int32_t* ids, float* bary0, float* bary1, float* depth,
                   ThreadPool& pool) {
  const std::vector<double> camPos = cameraSpace(m, cam, pool);
  std::vector<Setup> setups(static_cast<size_t>(m.triangleCount));
  pool.parallelFor(
      m.triangleCount,
      [&](int f) {
        double v[3][3];
        vertices(camPos, m, f, v);
        setup(v, cam, setups[f]);
      },
      256);

  // Bin triangles into tiles, in triangle order.
  const int tilesX = (cam.width + kTile - 1) / kTile, tilesY = (cam.height + kTile - 1) / kTile;
  std::vector<int> start(static_cast<size_t>(tilesX) * tilesY + 1, 0);
  auto forTiles = [&](const Setup& s, auto&& fn) {
    if (s.box[0] >= s.box[1]) return;
    for (int ty = s.box[2] / kTile; ty <= (s.box[3] - 1) / kTile; ++ty)
      for (int tx = s.box[0] / kTile; tx <= (s.box[1] - 1) / kTile; ++tx) fn(ty * tilesX + tx);
  };
  for (const Setup& s : setups) forTiles(s, [&](int t) { ++start[t + 1]; });
  for (size_t t = 1; t < start.size(); ++t) start[t] += start[t - 1];
  std::vector<int> list(static_cast<size_t>(start.back()));
  std::vector<int> fill(start.begin(), start.end() - 1);
  for (int f = 0; f < m.triangleCount; ++f) forTiles(setups[f], [&](int t) { list[fill[t]++] = f; });

  pool.parallelFor(tilesX * tilesY, [&](int tile) {
    const int x0 = (tile % tilesX) * kTile, y0 = (tile / tilesX) * kTile;
    const int x1 = std::min(cam.width, x0 + kTile), y1 = std::min(cam.height, y0 + kTile);
    double best[kTile * kTile];
    double bestE[kTile * kTile][3];
    double bestS[kTile * kTile];
    int bestId[kTile * kTile];
    std::fill(best, best + kTile * kTile, std::numeric_limits<double>::infinity());
    std::fill(bestId, bestId + kTile * kTile, -1);
    for (int k = start[tile]; k < start[tile + 1]; ++k) {
      const int f = list[k];
      const Setup& s = setups[f];
      for (int y = std::max(y0, s.box[2]); y < std::min(y1, s.box[3]); ++y)
        for (int x = std::max(x0, s.box[0]); x < std::min(x1, s.box[1]); ++x) {
          double d[3], E[3], S, z;
          pixelRay(cam, x, y, d);
          const int local = (y - y0) * kTile + (x - x0);
          if (!hit(s, d, cam.near, E, S, z) || !(z < best[local])) continue;
          best[local] = z;
          bestS[local] = S;
          for (int i = 0; i < 3; ++i) bestE[local][i] = E[i];
          bestId[local] = f;
        }
    }
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const int local = (y - y0) * kTile + (x - x0);
        const size_t p = static_cast<size_t>(y) * cam.width + x;
        ids[p] = bestId[local];
        const bool covered = bestId[local] >= 0;
        bary0[p] = covered ? static_cast<float>(bestE[local][0] / bestS[local]) : 0.0f;
        bary1[p] = covered ? static_cast<float>(bestE[local][1] / bestS[local]) : 0.0f;
        depth[p] = covered ? static_cast<float>(best[local]) : 0.0f;
      }
  });
}

// ∂L/∂(camera-space vertices) of one covered pixel, given ∂L/∂(b0, b1) and ∂L/∂z.
void pixelBackward(const double v[3][3], const double d[3], double g0, double g1, double gz, double dv[3][3]) {
  Setup s;
  for (int i = 0; i < 3; ++i) cross(v[(i + 1) % 3], v[(i + 2) % 3], s.n[i]);
  s.det = dot(v[0], s.n[0]);
  double E[3];
  for (int i = 0; i < 3; ++i) E[i] = dot(s.n[i], d);
  const double S = E[0] + E[1] + E[2];
  const double z = s.det / S;
  const double g[3] = {g0, g1, 0.0};
  const double gb = (g0 * E[0] + g1 * E[1]) / S;  // Σ g_i b_i
  const double dDet = gz / S;
  for (int i = 0; i < 3; ++i)
    for (int a = 0; a < 3; ++a) dv[i][a] = dDet * s.n[i][a];
  for (int i = 0; i < 3; ++i) {
    // b_i = E_i / S, z = det / S.
    const double dE = (g[i] - gb) / S - gz * z / S;
    const int j = (i + 1) % 3, k = (i + 2) % 3;
    double vkd[3], dvj[3];
    cross(v[k], d, vkd);  // ∂E_i/∂v_j
    cross(d, v[j], dvj);  // ∂E_i/∂v_k
    for (int a = 0; a < 3; ++a) {
      dv[j][a] += dE * vkd[a];
      dv[k][a] += dE * dvj[a];
    }
  }
}

}  // namespace

void rasterize(const Mesh& mesh, const Views& views, const Raster& out, ThreadPool& pool) {
  const size_t plane = static_cast<size_t>(views.pixels());
  for (int b = 0; b < views.count; ++b)
    rasterizeView(mesh, views.camera(b), out.triangleId + b * plane, out.bary + 2 * b * plane,
                  out.bary + (2 * b + 1) * plane, out.depth + b * plane, pool);
}

void rasterizeBackward(const Mesh& mesh, const Views& views, const Raster& rast, const float* dBary,
                       const float* dDepth, float* dPositions, ThreadPool& pool) {
  const size_t plane = static_cast<size_t>(views.pixels());
  std::vector<double> total(3 * static_cast<size_t>(mesh.vertexCount), 0.0);
  std::vector<double> perPixel(9 * plane);  // world-space gradient of the pixel's three vertices
  for (int b = 0; b < views.count; ++b) {
    const Camera cam = views.camera(b);
    const std::vector<double> camPos = cameraSpace(mesh, cam, pool);
    const int32_t* ids = rast.triangleId + b * plane;
    pool.parallelFor(
        views.height,
        [&](int y) {
          for (int x = 0; x < views.width; ++x) {
            const size_t p = static_cast<size_t>(y) * views.width + x;
            if (ids[p] < 0) continue;
            double v[3][3], d[3], dv[3][3];
            vertices(camPos, mesh, ids[p], v);
            pixelRay(cam, x, y, d);
            pixelBackward(v, d, dBary[2 * b * plane + p], dBary[(2 * b + 1) * plane + p],
                          dDepth ? dDepth[b * plane + p] : 0.0, dv);
            double* out = perPixel.data() + 9 * p;
            for (int i = 0; i < 9; ++i) out[i] = 0;
            for (int i = 0; i < 3; ++i) addWorldGrad(cam, dv[i], out + 3 * i);
          }
        },
        4);
    // Scatter in pixel order, so the sums do not depend on the thread count.
    for (size_t p = 0; p < plane; ++p) {
      if (ids[p] < 0) continue;
      for (int i = 0; i < 3; ++i) {
        double* t = total.data() + 3 * static_cast<size_t>(mesh.triangles[3 * ids[p] + i]);
        for (int a = 0; a < 3; ++a) t[a] += perPixel[9 * p + 3 * i + a];
      }
    }
  }
  for (size_t k = 0; k < total.size(); ++k) dPositions[k] = static_cast<float>(total[k]);
}

}  // namespace kiln::mesh
