#include "antialias.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "edge_neighbours.h"

namespace kiln::mesh {
namespace {

struct Crossing {
  bool valid = false;
  bool targetIsOther = false;  // the blended pixel: the other one (true) or the occluder's own (false)
  double alpha = 0;
  double s = 0;                     // where along the edge, a → b, in screen space
  double dAlpha[4] = {0, 0, 0, 0};  // ∂alpha/∂(a.x, a.y, b.x, b.y)
};

// Where the projected edge a–b crosses the segment between the centres of pixel `first` (x, y) and the next one along
// `axis`, and the blend that follows. `occluderFirst`: the occluder's pixel is the first of the two.
Crossing crossing(const double a[2], const double b[2], int x, int y, int axis, bool occluderFirst) {
  Crossing c;
  const int u = axis, w = 1 - axis;  // along the pair, across it
  const double u0 = (axis == 0 ? x : y) + 0.5, w0 = (axis == 0 ? y : x) + 0.5;
  const double dw = b[w] - a[w], du = b[u] - a[u];
  if (!(std::fabs(dw) > 1e-12)) return c;
  const double s = (w0 - a[w]) / dw;
  if (!(s >= 0 && s <= 1)) return c;
  const double t = a[u] + s * du - u0;
  if (!(t >= 0 && t <= 1)) return c;
  const double sigma = occluderFirst ? 1.0 : -1.0;  // ∂d/∂t
  const double d = occluderFirst ? t : 1 - t;
  c.valid = true;
  c.s = s;
  c.targetIsOther = d > 0.5;
  c.alpha = c.targetIsOther ? d - 0.5 : 0.5 - d;
  const double dAlphaDt = c.targetIsOther ? sigma : -sigma;
  c.dAlpha[u] = dAlphaDt * (1 - s);
  c.dAlpha[w] = dAlphaDt * du * (s - 1) / dw;
  c.dAlpha[2 + u] = dAlphaDt * s;
  c.dAlpha[2 + w] = -dAlphaDt * du * s / dw;
  return c;
}

inline void project(const Camera& cam, const double p[3], double out[2]) {
  out[0] = cam.fx * p[0] / p[2] + cam.cx;
  out[1] = cam.fy * p[1] / p[2] + cam.cy;
}

struct Blend {
  double score = std::numeric_limits<double>::infinity();  // |edge depth − occluder depth| at the crossing
  int32_t event[kEventInts];
  double alpha;
  size_t target, source;  // pixel indices within the view
};

struct ViewGeometry {
  std::vector<double> screen;    // V×2
  std::vector<double> z;         // V: camera-space depth
  std::vector<uint8_t> inFront;  // V: beyond the near plane
  std::vector<int8_t> facing;    // F: sign of det of the camera-space vertices
};

ViewGeometry viewGeometry(const Mesh& m, const Camera& cam, ThreadPool& pool) {
  const std::vector<double> camPos = cameraSpace(m, cam, pool);
  ViewGeometry g;
  g.screen.assign(2 * static_cast<size_t>(m.vertexCount), 0.0);
  g.z.assign(static_cast<size_t>(m.vertexCount), 0.0);
  g.inFront.assign(static_cast<size_t>(m.vertexCount), 0);
  g.facing.assign(static_cast<size_t>(m.triangleCount), 0);
  pool.parallelFor(
      m.vertexCount,
      [&](int v) {
        const double* p = camPos.data() + 3 * static_cast<size_t>(v);
        g.z[v] = p[2];
        g.inFront[v] = p[2] > cam.near;
        if (g.inFront[v]) project(cam, p, g.screen.data() + 2 * static_cast<size_t>(v));
      },
      1024);
  pool.parallelFor(
      m.triangleCount,
      [&](int f) {
        const double* v[3];
        for (int i = 0; i < 3; ++i) v[i] = camPos.data() + 3 * static_cast<size_t>(m.triangles[3 * f + i]);
        double n[3];
        cross(v[1], v[2], n);
        const double det = dot(v[0], n);
        g.facing[f] = det > 0 ? 1 : (det < 0 ? -1 : 0);
      },
      1024);
  return g;
}

// The view's silhouette edges, each once, in (triangle, edge) order, both ends beyond the near plane: edges with no
// other triangle or more than one, and edges whose two triangles face opposite ways.
std::vector<std::pair<int32_t, int32_t>> silhouetteEdges(const Mesh& m, const ViewGeometry& g,
                                                         const std::vector<int32_t>& neighbours) {
  std::vector<std::pair<int32_t, int32_t>> edges;
  for (int f = 0; f < m.triangleCount; ++f)
    for (int k = 0; k < 3; ++k) {
      const int32_t across = neighbours[3 * static_cast<size_t>(f) + k];
      if (across >= 0 && (across < f || g.facing[across] == g.facing[f])) continue;
      const int32_t va = static_cast<int32_t>(m.triangles[3 * f + k]);
      const int32_t vb = static_cast<int32_t>(m.triangles[3 * f + (k + 1) % 3]);
      if (g.inFront[va] && g.inFront[vb]) edges.emplace_back(va, vb);
    }
  return edges;
}

// Per pixel pair (first pixel p, axis; index 2p + axis), the silhouette edge that separates the pair's nearer pixel
// (the occluder) from the other one. The edge need not belong to the occluder pixel's own triangle — with triangles
// smaller than a pixel it rarely does — so every silhouette edge is walked across the pixel-centre lines it spans, and
// a pair keeps, among the edges crossing it in front of the other pixel's surface, the one whose depth at the
// crossing is nearest the occluder's (the edge of the occluder's own surface; ties go to the earlier edge).
std::vector<Blend> chooseBlends(const ViewGeometry& g, const std::vector<std::pair<int32_t, int32_t>>& edges,
                                const int32_t* ids, const float* depth, int view, int width, int height) {
  std::vector<int32_t> slot(2 * static_cast<size_t>(width) * height, -1);  // pair → its entry in `blends`
  std::vector<Blend> blends;
  const double inf = std::numeric_limits<double>::infinity();
  auto consider = [&](int x, int y, int axis, int32_t va, int32_t vb) {
    const size_t p = static_cast<size_t>(y) * width + x;
    const size_t q = axis == 0 ? p + 1 : p + width;
    const int32_t tp = ids[p], tq = ids[q];
    if (tp == tq) return;
    const bool occluderFirst = tq < 0 || (tp >= 0 && (depth[p] < depth[q] || (depth[p] == depth[q] && tp < tq)));
    const Crossing c = crossing(&g.screen[2 * static_cast<size_t>(va)], &g.screen[2 * static_cast<size_t>(vb)], x, y,
                                axis, occluderFirst);
    if (!c.valid) return;
    const size_t occluder = occluderFirst ? p : q, other = occluderFirst ? q : p;
    const double zEdge = 1.0 / ((1 - c.s) / g.z[va] + c.s / g.z[vb]);  // 1/z is linear along the projected edge
    const double zOther = ids[other] < 0 ? inf : depth[other];
    if (!(zEdge < zOther)) return;
    const double score = std::fabs(zEdge - depth[occluder]);
    int32_t& k = slot[2 * p + axis];
    if (k >= 0 && !(score < blends[k].score)) return;
    if (k < 0) {
      k = static_cast<int32_t>(blends.size());
      blends.emplace_back();
    }
    Blend& blend = blends[k];
    const int32_t event[kEventInts] = {view, static_cast<int32_t>(occluder), static_cast<int32_t>(other), axis, va, vb};
    std::memcpy(blend.event, event, sizeof event);
    blend.score = score;
    blend.alpha = c.alpha;
    blend.target = c.targetIsOther ? other : occluder;
    blend.source = c.targetIsOther ? occluder : other;
  };
  const int size[2] = {width, height};
  for (const auto& [va, vb] : edges) {
    const double* a = &g.screen[2 * static_cast<size_t>(va)];
    const double* b = &g.screen[2 * static_cast<size_t>(vb)];
    for (int axis = 0; axis < 2; ++axis) {
      const int u = axis, w = 1 - axis;  // pairs run along u; the edge is cut by the centre lines w = i + 0.5
      if (a[w] == b[w]) continue;
      // Clamped in double before any conversion: a vertex just beyond the near plane projects very far out.
      const double lo = std::max(0.0, std::ceil(std::min(a[w], b[w]) - 0.5));
      const double hi = std::min(size[w] - 1.0, std::floor(std::max(a[w], b[w]) - 0.5));
      if (!(lo <= hi)) continue;
      for (int line = static_cast<int>(lo); line <= hi; ++line) {
        const double s = (line + 0.5 - a[w]) / (b[w] - a[w]);
        const double at = a[u] + s * (b[u] - a[u]) - 0.5;  // the pair's first pixel, fractionally
        if (!(at >= 0 && at < size[u] - 1)) continue;
        const int first = static_cast<int>(at);
        if (axis == 0) consider(first, line, 0, va, vb);
        else consider(line, first, 1, va, vb);
      }
    }
  }
  // In pair order, so the blends (and their sums) do not depend on the order edges were met in.
  std::vector<Blend> ordered;
  ordered.reserve(blends.size());
  for (const int32_t k : slot)
    if (k >= 0) ordered.push_back(blends[k]);
  return ordered;
}

}  // namespace

std::vector<int32_t> antialias(const Mesh& mesh, const Views& views, const Raster& rast, const Image& image,
                               float* out, ThreadPool& pool) {
  const size_t plane = static_cast<size_t>(views.pixels());
  const int C = image.channels;
  std::memcpy(out, image.values, sizeof(float) * plane * C * views.count);
  const std::vector<int32_t> neighbours = edgeNeighbours(mesh);
  std::vector<int32_t> events;
  for (int b = 0; b < views.count; ++b) {
    const ViewGeometry g = viewGeometry(mesh, views.camera(b), pool);
    const int32_t* ids = rast.triangleId + b * plane;
    const float* depth = rast.depth + b * plane;
    const std::vector<Blend> blends =
        chooseBlends(g, silhouetteEdges(mesh, g, neighbours), ids, depth, b, views.width, views.height);
    const float* in = image.values + static_cast<size_t>(b) * C * plane;
    float* o = out + static_cast<size_t>(b) * C * plane;
    for (const Blend& blend : blends) {
      events.insert(events.end(), blend.event, blend.event + kEventInts);
      for (int c = 0; c < C; ++c) {
        const size_t t = c * plane + blend.target, s = c * plane + blend.source;
        o[t] += static_cast<float>(blend.alpha * (static_cast<double>(in[s]) - in[t]));
      }
    }
  }
  return events;
}

void antialiasBackward(const Mesh& mesh, const Views& views, const Image& image, const int32_t* events, int count,
                       const float* dOut, float* dImage, float* dPositions) {
  const size_t plane = static_cast<size_t>(views.pixels());
  const int C = image.channels;
  std::memcpy(dImage, dOut, sizeof(float) * plane * C * views.count);
  std::vector<double> total(3 * static_cast<size_t>(mesh.vertexCount), 0.0);
  // A few blends per silhouette pixel: cheaper taken in order than handed to the pool.
  for (int e = 0; e < count; ++e) {
    const int32_t* ev = events + kEventInts * e;
    const int b = ev[0], axis = ev[3], va = ev[4], vb = ev[5];
    const size_t occluder = ev[1], other = ev[2];
    const size_t first = std::min(occluder, other);
    const Camera cam = views.camera(b);
    double pa[3], pb[3], sa[2], sb[2];
    toCamera(mesh, cam, va, pa);
    toCamera(mesh, cam, vb, pb);
    if (!(pa[2] > cam.near) || !(pb[2] > cam.near)) continue;
    project(cam, pa, sa);
    project(cam, pb, sb);
    const Crossing c = crossing(sa, sb, static_cast<int>(first % views.width), static_cast<int>(first / views.width),
                                axis, occluder == first);
    if (!c.valid) continue;
    const size_t target = c.targetIsOther ? other : occluder, source = c.targetIsOther ? occluder : other;
    const float* in = image.values + static_cast<size_t>(b) * C * plane;
    const float* g = dOut + static_cast<size_t>(b) * C * plane;
    float* dIn = dImage + static_cast<size_t>(b) * C * plane;
    double dAlpha = 0;
    for (int ch = 0; ch < C; ++ch) {
      const size_t t = ch * plane + target, s = ch * plane + source;
      dAlpha += g[t] * (static_cast<double>(in[s]) - in[t]);
      dIn[t] -= static_cast<float>(c.alpha * g[t]);
      dIn[s] += static_cast<float>(c.alpha * g[t]);
    }
    // Screen (x, y) of an endpoint back to its camera-space position, then to world space.
    auto endpoint = [&](const double p[3], const double* gScreen, int v) {
      const double gx = dAlpha * gScreen[0], gy = dAlpha * gScreen[1];
      const double gc[3] = {gx * cam.fx / p[2], gy * cam.fy / p[2],
                            -(gx * cam.fx * p[0] + gy * cam.fy * p[1]) / (p[2] * p[2])};
      addWorldGrad(cam, gc, total.data() + 3 * static_cast<size_t>(v));
    };
    endpoint(pa, c.dAlpha, va);
    endpoint(pb, c.dAlpha + 2, vb);
  }
  for (size_t k = 0; k < total.size(); ++k) dPositions[k] = static_cast<float>(total[k]);
}

}  // namespace kiln::mesh
