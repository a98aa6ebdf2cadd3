#include "types.h"

namespace kiln::mesh {

std::vector<double> cameraSpace(const Mesh& m, const Camera& cam, ThreadPool& pool) {
  std::vector<double> out(3 * static_cast<size_t>(m.vertexCount));
  pool.parallelFor(m.vertexCount, [&](int v) { toCamera(m, cam, v, out.data() + 3 * static_cast<size_t>(v)); }, 1024);
  return out;
}

}  // namespace kiln::mesh
