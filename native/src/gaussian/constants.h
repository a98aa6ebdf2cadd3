// The rasterizer's constants; src/core/render/raster-constants.ts states the same numbers and a test compares them.
#pragma once
#include "../common/camera.h"

namespace kiln::gs {

constexpr int kTile = 16;
constexpr int kTilePixels = kTile * kTile;
constexpr float kAlphaMin = 1.0f / 255.0f;
constexpr float kAlphaMax = 0.99f;
constexpr float kTMin = 1e-4f;
constexpr float kDilation = 0.3f;
constexpr float kFrustumClamp = 1.3f;
constexpr float kRadiusSigmas = 3.0f;
constexpr int kMaxShDegree = 3;
using kiln::kPackedCameraFloats;

}  // namespace kiln::gs
