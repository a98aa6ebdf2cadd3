// Kiln's native addon (Node-API only, so the same binary loads in Node and in Electron).
// Exposes its identity, a small buffer kernel, the 3DGS rasterizer (src/gaussian/) and the mesh
// rasterizer (src/mesh/), with what both share in src/common/. Every kernel writes only
// into typed arrays that JavaScript allocated.
#include <napi.h>

#include <thread>

#include "common/buffers.h"
#include "gaussian/napi_rasterizer.h"
#include "mesh/napi_mesh.h"

namespace {

constexpr const char* kAddonVersion = "0.1.0";

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), kAddonVersion); }

Napi::Value HardwareThreads(const Napi::CallbackInfo& info) {
  unsigned n = std::thread::hardware_concurrency();
  return Napi::Number::New(info.Env(), n == 0 ? 1 : n);
}

// axpy(alpha, x, y): y += alpha * x, in place, on caller-owned Float32Arrays of equal length.
Napi::Value Axpy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "alpha must be a number");
  const float alpha = info[0].As<Napi::Number>().FloatValue();
  kiln::FloatView x = kiln::float32Arg(info, 1, "x");
  kiln::FloatView y = kiln::float32Arg(info, 2, "y");
  if (x.length != y.length) throw Napi::RangeError::New(env, "x and y must have the same length");
  for (size_t i = 0; i < y.length; ++i) y.data[i] += alpha * x.data[i];
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("hardwareThreads", Napi::Function::New(env, HardwareThreads, "hardwareThreads"));
  exports.Set("axpy", Napi::Function::New(env, Axpy, "axpy"));
  kiln::gs::registerRasterizer(env, exports);
  kiln::mesh::registerMeshRasterizer(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(kiln_native, Init)
