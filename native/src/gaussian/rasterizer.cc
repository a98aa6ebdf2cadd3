#include "rasterizer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "fast_exp.h"
#include "project.h"

namespace kiln::gs {
namespace {

constexpr int kPairFloats = 10;  // u, v, conicA, conicB, conicC, opacity, r, g, b, depth

// One fragment's alpha, shared by forward and backward so both make identical decisions.
struct Fragment {
  float alpha, G, dx, dy;
  bool valid, clamped;
};

// The pixels of a tile (local coordinates, [x0, x1) × [y0, y1)) that Gaussian g can reach with alpha ≥ kAlphaMin.
struct PixelBox {
  int x0, x1, y0, y1;
};

inline PixelBox reachInTile(const Projected& g, int tileX, int tileY) {
  auto lo = [](float centre, float reach, int origin) {
    return std::max(0, static_cast<int>(std::ceil(centre - reach - 0.5f)) - origin);
  };
  auto hi = [](float centre, float reach, int origin) {
    return std::min(kTile, static_cast<int>(std::floor(centre + reach - 0.5f)) - origin + 1);
  };
  return {lo(g.u, g.reachX, tileX), hi(g.u, g.reachX, tileX), lo(g.v, g.reachY, tileY), hi(g.v, g.reachY, tileY)};
}

inline Fragment evalFragment(const Projected& g, float px, float py) {
  Fragment f;
  f.dx = g.u - px;
  f.dy = g.v - py;
  const float power = -0.5f * (g.conicA * f.dx * f.dx + g.conicC * f.dy * f.dy) - g.conicB * f.dx * f.dy;
  f.G = fastExp(power);
  const float raw = g.opacity * f.G;
  f.clamped = raw > kAlphaMax;
  f.alpha = f.clamped ? kAlphaMax : raw;
  // Non-short-circuit & throughout the per-pixel loops keeps them branch-free, so they vectorise.
  f.valid = (power <= 0) & (f.alpha >= kAlphaMin);
  return f;
}

}  // namespace

void Rasterizer::project(const Params& params, View& view, int shDegree) {
  view.projected.resize(params.count);
  pool_.parallelFor(params.count, [&](int i) { projectGaussian(params, i, view.cam, shDegree, view.projected[i], nullptr); }, 256);
}

void Rasterizer::bin(View& view) {
  const int tilesX = (view.cam.width + kTile - 1) / kTile, tilesY = (view.cam.height + kTile - 1) / kTile;
  const int tiles = tilesX * tilesY;
  view.tileStart.assign(tiles + 1, 0);
  const int n = static_cast<int>(view.projected.size());
  for (int i = 0; i < n; ++i) {
    const Projected& g = view.projected[i];
    if (g.radius == 0) continue;
    for (int ty = g.rect[1]; ty < g.rect[3]; ++ty)
      for (int tx = g.rect[0]; tx < g.rect[2]; ++tx) ++view.tileStart[ty * tilesX + tx + 1];
  }
  for (int t = 0; t < tiles; ++t) view.tileStart[t + 1] += view.tileStart[t];
  view.tileList.resize(view.tileStart[tiles]);
  std::vector<int> cursor(view.tileStart.begin(), view.tileStart.end() - 1);
  for (int i = 0; i < n; ++i) {
    const Projected& g = view.projected[i];
    if (g.radius == 0) continue;
    for (int ty = g.rect[1]; ty < g.rect[3]; ++ty)
      for (int tx = g.rect[0]; tx < g.rect[2]; ++tx) view.tileList[cursor[ty * tilesX + tx]++] = i;
  }
  const auto& proj = view.projected;
  pool_.parallelFor(tiles, [&](int t) {
    std::sort(view.tileList.begin() + view.tileStart[t], view.tileList.begin() + view.tileStart[t + 1], [&](int a, int b) {
      return proj[a].depth < proj[b].depth || (proj[a].depth == proj[b].depth && a < b);
    });
  });
}

double Rasterizer::compositeForward(View& view, int /*shDegree*/, const float bg[3], float* rgb, float* alphaOut,
                                    float* depthOut) {
  const int W = view.cam.width, H = view.cam.height;
  const int tilesX = (W + kTile - 1) / kTile, tilesY = (H + kTile - 1) / kTile;
  view.finalT.resize(static_cast<size_t>(W) * H);
  view.lastCount.resize(static_cast<size_t>(W) * H);
  std::vector<double> tileFragments(tilesX * tilesY, 0.0);
  pool_.parallelFor(tilesX * tilesY, [&](int tile) {
    const int x0 = (tile % tilesX) * kTile, y0 = (tile / tilesX) * kTile;
    float T[kTilePixels], C0[kTilePixels], C1[kTilePixels], C2[kTilePixels], D[kTilePixels];
    float px[kTilePixels], py[kTilePixels], alive[kTilePixels];
    int last[kTilePixels];
    for (int p = 0; p < kTilePixels; ++p) {
      const int x = x0 + p % kTile, y = y0 + p / kTile;
      px[p] = x + 0.5f;
      py[p] = y + 0.5f;
      T[p] = 1;
      C0[p] = C1[p] = C2[p] = D[p] = 0;
      last[p] = 0;
      alive[p] = (x < W && y < H) ? 1.0f : 0.0f;
    }
    const int start = view.tileStart[tile], end = view.tileStart[tile + 1];
    double fragments = 0;
    int aliveCount = 0;
    for (int p = 0; p < kTilePixels; ++p) aliveCount += alive[p] > 0;
    for (int j = start; j < end && aliveCount > 0; ++j) {
      const Projected& g = view.projected[view.tileList[j]];
      // Every live pixel resolves this Gaussian; those outside its reach are known to skip it without evaluating.
      fragments += aliveCount;
      const PixelBox box = reachInTile(g, x0, y0);
      for (int ly = box.y0; ly < box.y1; ++ly)
      for (int p = ly * kTile + box.x0; p < ly * kTile + box.x1; ++p) {
        const Fragment f = evalFragment(g, px[p], py[p]);
        const float testT = T[p] * (1 - f.alpha);
        const bool use = f.valid & (alive[p] > 0);
        const bool stop = use & (testT < kTMin);
        const bool contribute = use & !stop;
        const float w = contribute ? f.alpha * T[p] : 0.0f;
        C0[p] += g.colour[0] * w;
        C1[p] += g.colour[1] * w;
        C2[p] += g.colour[2] * w;
        D[p] += g.depth * w;
        T[p] = contribute ? testT : T[p];
        last[p] = contribute ? j - start + 1 : last[p];
        alive[p] = stop ? 0.0f : alive[p];
        aliveCount -= stop;
      }
    }
    tileFragments[tile] = fragments;
    for (int p = 0; p < kTilePixels; ++p) {
      const int x = x0 + p % kTile, y = y0 + p / kTile;
      if (x >= W || y >= H) continue;
      const size_t pix = static_cast<size_t>(y) * W + x;
      rgb[pix] = C0[p] + T[p] * bg[0];
      rgb[static_cast<size_t>(W) * H + pix] = C1[p] + T[p] * bg[1];
      rgb[2 * static_cast<size_t>(W) * H + pix] = C2[p] + T[p] * bg[2];
      alphaOut[pix] = 1 - T[p];
      depthOut[pix] = D[p];
      view.finalT[pix] = T[p];
      view.lastCount[pix] = last[p];
    }
  });
  double total = 0;
  for (double f : tileFragments) total += f;
  return total;
}

double Rasterizer::compositeBackward(const View& view, const float background[3], const float* dRgb, const float* dAlpha,
                                     const float* dDepth) {
  const int W = view.cam.width, H = view.cam.height;
  const size_t plane = static_cast<size_t>(W) * H;
  const int tilesX = (W + kTile - 1) / kTile, tilesY = (H + kTile - 1) / kTile;
  pairGrads_.assign(view.tileList.size() * kPairFloats, 0.0f);
  std::vector<double> tileFragments(tilesX * tilesY, 0.0);
  pool_.parallelFor(tilesX * tilesY, [&](int tile) {
    const int x0 = (tile % tilesX) * kTile, y0 = (tile / tilesX) * kTile;
    float T[kTilePixels], px[kTilePixels], py[kTilePixels], gR[kTilePixels], gG[kTilePixels], gB[kTilePixels];
    float gA[kTilePixels], gD[kTilePixels], finalT[kTilePixels];
    float b0[kTilePixels], b1[kTilePixels], b2[kTilePixels], bD[kTilePixels];
    int last[kTilePixels];
    int maxLast = 0;
    for (int p = 0; p < kTilePixels; ++p) {
      const int x = x0 + p % kTile, y = y0 + p / kTile;
      px[p] = x + 0.5f;
      py[p] = y + 0.5f;
      const bool inside = x < W && y < H;
      const size_t pix = inside ? static_cast<size_t>(y) * W + x : 0;
      last[p] = inside ? view.lastCount[pix] : 0;
      maxLast = std::max(maxLast, last[p]);
      T[p] = finalT[p] = inside ? view.finalT[pix] : 1.0f;
      gR[p] = inside ? dRgb[pix] : 0.0f;
      gG[p] = inside ? dRgb[plane + pix] : 0.0f;
      gB[p] = inside ? dRgb[2 * plane + pix] : 0.0f;
      gA[p] = inside && dAlpha ? dAlpha[pix] : 0.0f;
      gD[p] = inside && dDepth ? dDepth[pix] : 0.0f;
      b0[p] = finalT[p] * background[0];
      b1[p] = finalT[p] * background[1];
      b2[p] = finalT[p] * background[2];
      bD[p] = 0;
    }
    const int start = view.tileStart[tile];
    double fragments = 0;
    for (int j = maxLast - 1; j >= 0; --j) {
      const Projected& g = view.projected[view.tileList[start + j]];
      float sU = 0, sV = 0, sA = 0, sB = 0, sC = 0, sO = 0, sR = 0, sG = 0, sBl = 0, sDp = 0, count = 0;
      const PixelBox box = reachInTile(g, x0, y0);
      for (int ly = box.y0; ly < box.y1; ++ly)
      for (int p = ly * kTile + box.x0; p < ly * kTile + box.x1; ++p) {
        const Fragment f = evalFragment(g, px[p], py[p]);
        const bool use = f.valid & (j < last[p]);
        count += use ? 1.0f : 0.0f;
        const float oneMinus = 1 - f.alpha;
        const float Tk = use ? T[p] / oneMinus : T[p];
        const float w = use ? f.alpha * Tk : 0.0f;
        sR += w * gR[p];
        sG += w * gG[p];
        sBl += w * gB[p];
        sDp += w * gD[p];
        float dA = (g.colour[0] * Tk - b0[p] / oneMinus) * gR[p] + (g.colour[1] * Tk - b1[p] / oneMinus) * gG[p] +
                   (g.colour[2] * Tk - b2[p] / oneMinus) * gB[p] + (g.depth * Tk - bD[p] / oneMinus) * gD[p] +
                   finalT[p] / oneMinus * gA[p];
        dA = (use & !f.clamped) ? dA : 0.0f;
        b0[p] += g.colour[0] * w;
        b1[p] += g.colour[1] * w;
        b2[p] += g.colour[2] * w;
        bD[p] += g.depth * w;
        T[p] = Tk;
        sO += dA * f.G;
        const float dPower = dA * g.opacity * f.G;
        sA += dPower * -0.5f * f.dx * f.dx;
        sC += dPower * -0.5f * f.dy * f.dy;
        sB += dPower * -f.dx * f.dy;
        sU += dPower * -(g.conicA * f.dx + g.conicB * f.dy);
        sV += dPower * -(g.conicC * f.dy + g.conicB * f.dx);
      }
      fragments += count;
      float* slot = &pairGrads_[static_cast<size_t>(start + j) * kPairFloats];
      slot[0] = sU;
      slot[1] = sV;
      slot[2] = sA;
      slot[3] = sB;
      slot[4] = sC;
      slot[5] = sO;
      slot[6] = sR;
      slot[7] = sG;
      slot[8] = sBl;
      slot[9] = sDp;
    }
    tileFragments[tile] = fragments;
  });
  double total = 0;
  for (double f : tileFragments) total += f;
  return total;
}

size_t ForwardContext::bytes() const {
  size_t total = sizeof(ForwardContext);
  for (const View& v : views)
    total += v.projected.capacity() * sizeof(Projected) +
             (v.tileStart.capacity() + v.tileList.capacity() + v.lastCount.capacity()) * sizeof(int) +
             v.finalT.capacity() * sizeof(float);
  return total;
}

RasterStats Rasterizer::forward(const Params& params, const float* packedCameras, int cameraCount, int width,
                                int height, int shDegree, const float background[3], const ForwardOutputs& out,
                                ForwardContext& context) {
  RasterStats stats;
  context.views.resize(cameraCount);
  context.count = params.count;
  context.shDegree = shDegree;
  std::memcpy(context.background, background, sizeof context.background);
  const size_t plane = static_cast<size_t>(width) * height;
  for (int b = 0; b < cameraCount; ++b) {
    View& view = context.views[b];
    view.cam = unpackCamera(packedCameras + b * kPackedCameraFloats, width, height);
    project(params, view, shDegree);
    bin(view);
    stats.pairs += static_cast<double>(view.tileList.size());
    stats.fragments += compositeForward(view, shDegree, background, out.rgb + b * 3 * plane, out.alpha + b * plane,
                                        out.depth + b * plane);
    float* radii = out.radii + static_cast<size_t>(b) * params.count;
    for (int i = 0; i < params.count; ++i) radii[i] = static_cast<float>(view.projected[i].radius);
  }
  return stats;
}

RasterStats Rasterizer::backward(const ForwardContext& context, const Params& params, const BackwardInputs& in,
                                 const Grads& grads, float* meanGrad2D) {
  RasterStats stats;
  const size_t n = static_cast<size_t>(params.count);
  const int rest = params.restPerChannel();
  std::fill(grads.means, grads.means + 3 * n, 0.0f);
  std::fill(grads.logScales, grads.logScales + 3 * n, 0.0f);
  std::fill(grads.quats, grads.quats + 4 * n, 0.0f);
  std::fill(grads.opacityLogits, grads.opacityLogits + n, 0.0f);
  std::fill(grads.shDc, grads.shDc + 3 * n, 0.0f);
  std::fill(grads.shRest, grads.shRest + 3 * n * rest, 0.0f);
  std::vector<ScreenGrad> screen(n);
  for (size_t b = 0; b < context.views.size(); ++b) {
    const View& view = context.views[b];
    const size_t plane = static_cast<size_t>(view.cam.width) * view.cam.height;
    stats.pairs += static_cast<double>(view.tileList.size());
    stats.fragments += compositeBackward(view, context.background, in.dRgb + b * 3 * plane, in.dAlpha ? in.dAlpha + b * plane : nullptr,
                                         in.dDepth ? in.dDepth + b * plane : nullptr);
    std::fill(screen.begin(), screen.end(), ScreenGrad{});
    for (size_t k = 0; k < view.tileList.size(); ++k) {
      ScreenGrad& s = screen[view.tileList[k]];
      const float* slot = &pairGrads_[k * kPairFloats];
      s.u += slot[0];
      s.v += slot[1];
      s.conicA += slot[2];
      s.conicB += slot[3];
      s.conicC += slot[4];
      s.opacity += slot[5];
      s.colour[0] += slot[6];
      s.colour[1] += slot[7];
      s.colour[2] += slot[8];
      s.depth += slot[9];
    }
    float* mg = meanGrad2D + b * 2 * n;
    pool_.parallelFor(params.count, [&](int i) {
      mg[2 * i] = screen[i].u * 0.5f * view.cam.width;
      mg[2 * i + 1] = screen[i].v * 0.5f * view.cam.height;
      if (view.projected[i].radius == 0) return;
      projectGaussianBackward(params, i, view.cam, context.shDegree, view.projected[i], screen[i], grads);
    }, 256);
  }
  return stats;
}

}  // namespace kiln::gs
