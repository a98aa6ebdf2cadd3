// Which triangle lies across each triangle edge: the antialias pass needs it to tell silhouette edges (a front-facing
// triangle meets a back-facing one, or nothing) from edges inside a visible surface.
#pragma once
#include <cstdint>
#include <vector>

#include "types.h"

namespace kiln::mesh {

constexpr int32_t kBoundaryEdge = -1;     // no other triangle shares the edge
constexpr int32_t kNonManifoldEdge = -2;  // three or more triangles share it

// 3F entries: for edge k of triangle f (vertices k and (k + 1) mod 3), the other triangle, or a code above.
std::vector<int32_t> edgeNeighbours(const Mesh& mesh);

}  // namespace kiln::mesh
