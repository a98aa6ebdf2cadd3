// The mesh rasterizer's JavaScript face: a class that owns only a thread pool. Every method is stateless: it reads the
// arrays it is given and writes the arrays it is given (antialias also returns its blends, which its backward reads).
#include "napi_mesh.h"

#include <memory>
#include <string>

#include "../common/buffers.h"
#include "antialias.h"
#include "interpolate.h"
#include "rasterize.h"

namespace kiln::mesh {
namespace {

Mesh meshOf(const Napi::Object& o) {
  Napi::Env env = o.Env();
  Mesh m;
  m.vertexCount = intOf(o, "vertexCount", 0, 1 << 28);
  m.triangleCount = intOf(o, "triangleCount", 0, 1 << 28);
  m.positions = floatsOf(o, "positions", 3 * static_cast<size_t>(m.vertexCount));
  m.triangles = uintsOf(o, "indices", 3 * static_cast<size_t>(m.triangleCount));
  for (size_t k = 0; k < 3 * static_cast<size_t>(m.triangleCount); ++k)
    if (m.triangles[k] >= static_cast<uint32_t>(m.vertexCount))
      throw Napi::RangeError::New(env, "indices[" + std::to_string(k) + "] is not a vertex index");
  return m;
}

Views viewsOf(const Napi::Object& o) {
  Views v;
  v.count = intOf(o, "cameraCount", 1, 4096);
  v.width = intOf(o, "width", 1, 16384);
  v.height = intOf(o, "height", 1, 16384);
  v.cameras = floatsOf(o, "cameras", static_cast<size_t>(v.count) * kPackedCameraFloats);
  return v;
}

size_t planes(const Views& v) { return static_cast<size_t>(v.count) * v.pixels(); }

// The raster arrays; with `check`, also that every triangle id names a triangle of the mesh.
Raster rasterOf(const Napi::Object& o, const Views& v, const Mesh& m, bool check) {
  Raster r;
  r.triangleId = intsOf(o, "triangleId", planes(v));
  r.bary = floatsOf(o, "bary", 2 * planes(v));
  r.depth = floatsOf(o, "depth", planes(v));
  if (check)
    for (size_t p = 0; p < planes(v); ++p)
      if (r.triangleId[p] < -1 || r.triangleId[p] >= m.triangleCount)
        throw Napi::RangeError::New(o.Env(), "triangleId[" + std::to_string(p) + "] is not a triangle of the mesh");
  return r;
}

// { values, channels } with values of `rows`×channels×(per row) floats.
template <typename T>
T channelsOf(const Napi::Object& o, size_t perChannel) {
  T t;
  t.channels = intOf(o, "channels", 1, 4096);
  t.values = floatsOf(o, "values", perChannel * t.channels);
  return t;
}

class MeshRasterizer : public Napi::ObjectWrap<MeshRasterizer> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "MeshRasterizer",
                       {InstanceMethod("rasterize", &MeshRasterizer::Rasterize),
                        InstanceMethod("rasterizeBackward", &MeshRasterizer::RasterizeBackward),
                        InstanceMethod("interpolate", &MeshRasterizer::Interpolate),
                        InstanceMethod("interpolateBackward", &MeshRasterizer::InterpolateBackward),
                        InstanceMethod("antialias", &MeshRasterizer::Antialias),
                        InstanceMethod("antialiasBackward", &MeshRasterizer::AntialiasBackward),
                        InstanceAccessor("threads", &MeshRasterizer::Threads, nullptr)});
  }

  explicit MeshRasterizer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MeshRasterizer>(info) {
    int threads = 1;
    if (info.Length() > 0 && !info[0].IsUndefined()) {
      if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "threads must be a number");
      threads = info[0].As<Napi::Number>().Int32Value();
      if (threads < 1 || threads > 256) throw Napi::RangeError::New(info.Env(), "threads must be in [1, 256]");
    }
    pool_ = std::make_unique<ThreadPool>(threads);
  }

 private:
  Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), pool_->size()); }

  // rasterize(mesh, views, raster { triangleId, bary, depth })
  Napi::Value Rasterize(const Napi::CallbackInfo& info) {
    const Mesh m = meshOf(objectArg(info, 0, "rasterize"));
    const Views v = viewsOf(objectArg(info, 1, "rasterize"));
    rasterize(m, v, rasterOf(objectArg(info, 2, "rasterize"), v, m, false), *pool_);
    return info.Env().Undefined();
  }

  // rasterizeBackward(mesh, views, raster, { dBary, dDepth? }, dPositions)
  Napi::Value RasterizeBackward(const Napi::CallbackInfo& info) {
    const Mesh m = meshOf(objectArg(info, 0, "rasterizeBackward"));
    const Views v = viewsOf(objectArg(info, 1, "rasterizeBackward"));
    const Raster r = rasterOf(objectArg(info, 2, "rasterizeBackward"), v, m, true);
    Napi::Object up = objectArg(info, 3, "rasterizeBackward");
    const float* dBary = floatsOf(up, "dBary", 2 * planes(v));
    const float* dDepth = optionalFloatsOf(up, "dDepth", planes(v));
    FloatView dPositions = float32Arg(info, 4, "dPositions");
    if (dPositions.length != 3 * static_cast<size_t>(m.vertexCount))
      throw Napi::RangeError::New(info.Env(), "dPositions must hold vertexCount × 3 floats");
    rasterizeBackward(m, v, r, dBary, dDepth, dPositions.data, *pool_);
    return info.Env().Undefined();
  }

  // interpolate(mesh, views, raster, attributes { values, channels }, out)
  Napi::Value Interpolate(const Napi::CallbackInfo& info) {
    const Mesh m = meshOf(objectArg(info, 0, "interpolate"));
    const Views v = viewsOf(objectArg(info, 1, "interpolate"));
    const Raster r = rasterOf(objectArg(info, 2, "interpolate"), v, m, true);
    const auto a = channelsOf<Attributes>(objectArg(info, 3, "interpolate"), m.vertexCount);
    FloatView out = float32Arg(info, 4, "out");
    if (out.length != planes(v) * a.channels)
      throw Napi::RangeError::New(info.Env(), "out must hold cameraCount × channels × height × width floats");
    interpolate(m, v, r, a, out.data, *pool_);
    return info.Env().Undefined();
  }

  // interpolateBackward(mesh, views, raster, attributes, dOut, { dAttributes, dBary })
  Napi::Value InterpolateBackward(const Napi::CallbackInfo& info) {
    const Mesh m = meshOf(objectArg(info, 0, "interpolateBackward"));
    const Views v = viewsOf(objectArg(info, 1, "interpolateBackward"));
    const Raster r = rasterOf(objectArg(info, 2, "interpolateBackward"), v, m, true);
    const auto a = channelsOf<Attributes>(objectArg(info, 3, "interpolateBackward"), m.vertexCount);
    FloatView dOut = float32Arg(info, 4, "dOut");
    if (dOut.length != planes(v) * a.channels)
      throw Napi::RangeError::New(info.Env(), "dOut must hold cameraCount × channels × height × width floats");
    Napi::Object grads = objectArg(info, 5, "interpolateBackward");
    float* dAttributes = floatsOf(grads, "dAttributes", static_cast<size_t>(m.vertexCount) * a.channels);
    float* dBary = floatsOf(grads, "dBary", 2 * planes(v));
    interpolateBackward(m, v, r, a, dOut.data, dAttributes, dBary, *pool_);
    return info.Env().Undefined();
  }

  // antialias(mesh, views, raster, image { values, channels }, out) → Int32Array of blends
  Napi::Value Antialias(const Napi::CallbackInfo& info) {
    const Mesh m = meshOf(objectArg(info, 0, "antialias"));
    const Views v = viewsOf(objectArg(info, 1, "antialias"));
    const Raster r = rasterOf(objectArg(info, 2, "antialias"), v, m, true);
    const auto image = channelsOf<Image>(objectArg(info, 3, "antialias"), planes(v));
    FloatView out = float32Arg(info, 4, "out");
    if (out.length != planes(v) * image.channels)
      throw Napi::RangeError::New(info.Env(), "out must hold as many floats as the image");
    const std::vector<int32_t> events = antialias(m, v, r, image, out.data, *pool_);
    Napi::Int32Array result = Napi::Int32Array::New(info.Env(), events.size());
    std::copy(events.begin(), events.end(), result.Data());
    return result;
  }

  // antialiasBackward(mesh, views, image, events, dOut, { dImage, dPositions })
  Napi::Value AntialiasBackward(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const Mesh m = meshOf(objectArg(info, 0, "antialiasBackward"));
    const Views v = viewsOf(objectArg(info, 1, "antialiasBackward"));
    const auto image = channelsOf<Image>(objectArg(info, 2, "antialiasBackward"), planes(v));
    if (info.Length() < 4 || !info[3].IsTypedArray() ||
        info[3].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
      throw Napi::TypeError::New(env, "events must be an Int32Array");
    Napi::Int32Array events = info[3].As<Napi::Int32Array>();
    if (events.ElementLength() % kEventInts != 0)
      throw Napi::RangeError::New(env, "events must hold " + std::to_string(kEventInts) + " ints per blend");
    const int count = static_cast<int>(events.ElementLength() / kEventInts);
    for (int e = 0; e < count; ++e) {
      const int32_t* ev = events.Data() + kEventInts * e;
      const bool ok = ev[0] >= 0 && ev[0] < v.count && ev[1] >= 0 && ev[1] < v.pixels() && ev[2] >= 0 &&
                      ev[2] < v.pixels() && (ev[3] == 0 || ev[3] == 1) && ev[4] >= 0 && ev[4] < m.vertexCount &&
                      ev[5] >= 0 && ev[5] < m.vertexCount;
      if (!ok) throw Napi::RangeError::New(env, "events[" + std::to_string(e) + "] is not a blend of this batch");
    }
    FloatView dOut = float32Arg(info, 4, "dOut");
    if (dOut.length != planes(v) * image.channels)
      throw Napi::RangeError::New(env, "dOut must hold as many floats as the image");
    Napi::Object grads = objectArg(info, 5, "antialiasBackward");
    float* dImage = floatsOf(grads, "dImage", planes(v) * image.channels);
    float* dPositions = floatsOf(grads, "dPositions", 3 * static_cast<size_t>(m.vertexCount));
    antialiasBackward(m, v, image, events.Data(), count, dOut.data, dImage, dPositions, *pool_);
    return env.Undefined();
  }

  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace

void registerMeshRasterizer(Napi::Env env, Napi::Object exports) {
  exports.Set("MeshRasterizer", MeshRasterizer::Define(env));
}

}  // namespace kiln::mesh
