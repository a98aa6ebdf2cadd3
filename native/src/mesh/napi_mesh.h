#pragma once
#include <napi.h>

namespace kiln::mesh {

// Adds the MeshRasterizer class to the addon's exports.
void registerMeshRasterizer(Napi::Env env, Napi::Object exports);

}  // namespace kiln::mesh
