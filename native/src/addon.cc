// Kiln's native addon (Node-API only, so the same binary loads in Node and in Electron).
// Exposes its identity, the 3DGS rasterizer (src/gaussian/) and the mesh rasterizer (src/mesh/),
// with what both share in src/common/. Every kernel writes only
// into typed arrays that JavaScript allocated.
#include <napi.h>

#include <thread>

#include "gaussian/napi_rasterizer.h"
#include "mesh/napi_mesh.h"

namespace {

constexpr const char* kAddonVersion = "0.1.0";

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), kAddonVersion); }

Napi::Value HardwareThreads(const Napi::CallbackInfo& info) {
  unsigned n = std::thread::hardware_concurrency();
  return Napi::Number::New(info.Env(), n == 0 ? 1 : n);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("hardwareThreads", Napi::Function::New(env, HardwareThreads, "hardwareThreads"));
  kiln::gs::registerRasterizer(env, exports);
  kiln::mesh::registerMeshRasterizer(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(kiln_native, Init)
