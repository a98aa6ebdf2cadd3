#include "edge_neighbours.h"

#include <algorithm>
#include <utility>

namespace kiln::mesh {

std::vector<int32_t> edgeNeighbours(const Mesh& mesh) {
  const size_t edges = 3 * static_cast<size_t>(mesh.triangleCount);
  std::vector<std::pair<uint64_t, int32_t>> keyed(edges);
  for (size_t e = 0; e < edges; ++e) {
    const size_t f = e / 3, k = e % 3;
    const uint64_t a = mesh.triangles[3 * f + k];
    const uint64_t b = mesh.triangles[3 * f + (k + 1) % 3];
    keyed[e] = {a < b ? (a << 32 | b) : (b << 32 | a), static_cast<int32_t>(e)};
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<int32_t> out(edges, kBoundaryEdge);
  for (size_t i = 0; i < edges;) {
    size_t j = i;
    while (j < edges && keyed[j].first == keyed[i].first) ++j;
    if (j - i == 2) {
      out[keyed[i].second] = keyed[i + 1].second / 3;
      out[keyed[i + 1].second] = keyed[i].second / 3;
    } else if (j - i > 2) {
      for (size_t k = i; k < j; ++k) out[keyed[k].second] = kNonManifoldEdge;
    }
    i = j;
  }
  return out;
}

}  // namespace kiln::mesh
