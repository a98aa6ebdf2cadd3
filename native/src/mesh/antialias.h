// Stage 3: analytic antialiasing of silhouettes, which is what gives vertex positions a gradient from coverage and
// colour. A silhouette edge is one whose two triangles face opposite ways seen from the camera (or that has no
// second triangle). For every pair of neighbouring pixels (horizontal and vertical) whose triangles differ, the
// nearer pixel is the occluder; if a silhouette edge crosses the segment between the two pixel centres in front of
// the other pixel's surface (the one nearest the occluder's depth, if several do), the pixels are blended by a
// one-dimensional box filter along that segment: with d the distance from the occluder's pixel centre to the crossing
// (in pixels, 0 ≤ d ≤ 1),
//   d > ½: the other pixel is covered by the occluder over d − ½ of its width: it moves that far towards the
//          occluder's colour;
//   d ≤ ½: the occluder's own pixel is uncovered over ½ − d: it moves that far towards the other pixel's colour.
// The blend weight is continuous in d, and at d = 0 it equals ½ — what the pixel gets from the other side once the
// edge has passed its centre — so the image changes continuously as an edge sweeps across a pixel. Every blend reads
// the input image, so they commute and the order of work does not matter. Unlike a search among the edges of the
// occluder pixel's own triangle, this finds the silhouette when triangles are smaller than a pixel (a DMTet surface
// at a low raster resolution); docs/mesh-rasterizer.md has the derivation.
#pragma once
#include <cstdint>
#include <vector>

#include "types.h"

namespace kiln::mesh {

// One blend, in the int32 layout the forward pass returns and the backward pass reads.
constexpr int kEventInts = 6;  // view, occluder pixel, other pixel, axis (0 = horizontal), edge vertex a, edge vertex b

struct Image {
  const float* values = nullptr;  // B×channels×H×W
  int channels = 0;
};

// Writes the blended image to out (B×channels×H×W) and returns the blends, in (view, row, pixel, axis) order.
std::vector<int32_t> antialias(const Mesh& mesh, const Views& views, const Raster& rast, const Image& image,
                               float* out, ThreadPool& pool);

// Overwrites dImage (B×channels×H×W) and dPositions (V×3) with the gradients of the blends `events` (count blends).
void antialiasBackward(const Mesh& mesh, const Views& views, const Image& image, const int32_t* events, int count,
                       const float* dOut, float* dImage, float* dPositions);

}  // namespace kiln::mesh
