// The 3DGS rasterizer: per camera, project → bin into 16×16 tiles → depth-sort each tile → composite front to
// back. The backward pass replays the compositing back to front per tile, writes each (tile, Gaussian) pair's
// gradient into its own slot and reduces them in pair order, so results do not depend on the thread count.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "../common/thread_pool.h"
#include "types.h"

namespace kiln::gs {

struct ForwardOutputs {
  float* rgb;    // B×3×H×W
  float* alpha;  // B×H×W
  float* depth;  // B×H×W (expected depth Σ wᵢ zᵢ)
  float* radii;  // B×N
};

struct BackwardInputs {
  const float* dRgb;    // B×3×H×W
  const float* dAlpha;  // B×H×W or null
  const float* dDepth;  // B×H×W or null
};

struct RasterStats {
  double fragments = 0;  // Gaussian–pixel evaluations while the pixel was still accumulating
  double pairs = 0;      // (tile, Gaussian) pairs
};

class Rasterizer {
 public:
  explicit Rasterizer(int threads) : pool_(threads) {}
  int threads() const { return pool_.size(); }

  RasterStats forward(const Params& params, const float* packedCameras, int cameraCount, int width, int height,
                      int shDegree, const float background[3], const ForwardOutputs& out);
  // Requires the preceding forward() with the same parameters and cameras. Overwrites grads and meanGrad2D (B×N×2).
  RasterStats backward(const Params& params, const BackwardInputs& in, const Grads& grads, float* meanGrad2D);

  bool hasForwardState(int count) const { return !views_.empty() && count_ == count; }

 private:
  struct View {
    Camera cam;
    std::vector<Projected> projected;
    std::vector<int> tileStart;  // tiles + 1
    std::vector<int> tileList;   // Gaussian indices, per tile sorted by (depth, index)
    std::vector<float> finalT;   // per pixel
    std::vector<int> lastCount;  // per pixel: list entries up to and including its last contributor
  };

  void project(const Params& params, View& view, int shDegree);
  void bin(View& view);
  double compositeForward(View& view, int shDegree, const float background[3], float* rgb, float* alpha, float* depth);
  double compositeBackward(const View& view, const float* dRgb, const float* dAlpha, const float* dDepth);

  ThreadPool pool_;
  std::vector<View> views_;
  int count_ = 0;
  int shDegree_ = 0;
  float background_[3] = {0, 0, 0};
  std::vector<float> pairGrads_;  // 10 floats per (tile, Gaussian) pair of one view
};

}  // namespace kiln::gs
