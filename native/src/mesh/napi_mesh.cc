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

struct Batch {
  Mesh mesh;
  Views views;
  size_t pixels() const { return static_cast<size_t>(views.count) * views.pixels(); }
};

// Arguments 0 and 1 of every method: the mesh and the views.
Batch batchOf(const Napi::CallbackInfo& info, const char* call) {
  return Batch{meshOf(objectArg(info, 0, call)), viewsOf(objectArg(info, 1, call))};
}

// The raster arrays; with `check`, also that every triangle id names a triangle of the mesh.
Raster rasterOf(const Napi::Object& o, const Batch& batch, bool check) {
  Raster r;
  r.triangleId = intsOf(o, "triangleId", batch.pixels());
  r.bary = floatsOf(o, "bary", 2 * batch.pixels());
  r.depth = floatsOf(o, "depth", batch.pixels());
  if (check)
    for (size_t p = 0; p < batch.pixels(); ++p)
      if (r.triangleId[p] < -1 || r.triangleId[p] >= batch.mesh.triangleCount)
        throw Napi::RangeError::New(o.Env(), "triangleId[" + std::to_string(p) + "] is not a triangle of the mesh");
  return r;
}

// The antialias blends at argument `index`, each checked against the batch.
Napi::Int32Array eventsOf(const Napi::CallbackInfo& info, size_t index, const Batch& batch) {
  Napi::Env env = info.Env();
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(env, "events must be an Int32Array");
  Napi::Int32Array events = info[index].As<Napi::Int32Array>();
  if (events.ElementLength() % kEventInts != 0)
    throw Napi::RangeError::New(env, "events must hold " + std::to_string(kEventInts) + " ints per blend");
  const int pixels = batch.views.pixels(), vertices = batch.mesh.vertexCount;
  for (size_t e = 0; e < events.ElementLength() / kEventInts; ++e) {
    const int32_t* ev = events.Data() + kEventInts * e;
    const bool ok = ev[0] >= 0 && ev[0] < batch.views.count && ev[1] >= 0 && ev[1] < pixels && ev[2] >= 0 &&
                    ev[2] < pixels && (ev[3] == 0 || ev[3] == 1) && ev[4] >= 0 && ev[4] < vertices && ev[5] >= 0 &&
                    ev[5] < vertices;
    if (!ok) throw Napi::RangeError::New(env, "events[" + std::to_string(e) + "] is not a blend of this batch");
  }
  return events;
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
    pool_ = std::make_unique<ThreadPool>(threadsArg(info, 0));
  }

 private:
  Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), pool_->size()); }

  // rasterize(mesh, views, raster { triangleId, bary, depth })
  Napi::Value Rasterize(const Napi::CallbackInfo& info) {
    const Batch batch = batchOf(info, "rasterize");
    rasterize(batch.mesh, batch.views, rasterOf(objectArg(info, 2, "rasterize"), batch, false), *pool_);
    return info.Env().Undefined();
  }

  // rasterizeBackward(mesh, views, raster, { dBary, dDepth? }, dPositions)
  Napi::Value RasterizeBackward(const Napi::CallbackInfo& info) {
    const Batch batch = batchOf(info, "rasterizeBackward");
    const Raster r = rasterOf(objectArg(info, 2, "rasterizeBackward"), batch, true);
    Napi::Object up = objectArg(info, 3, "rasterizeBackward");
    const float* dBary = floatsOf(up, "dBary", 2 * batch.pixels());
    const float* dDepth = optionalFloatsOf(up, "dDepth", batch.pixels());
    float* dPositions = float32Arg(info, 4, "dPositions", 3 * static_cast<size_t>(batch.mesh.vertexCount));
    rasterizeBackward(batch.mesh, batch.views, r, dBary, dDepth, dPositions, *pool_);
    return info.Env().Undefined();
  }

  // interpolate(mesh, views, raster, attributes { values, channels }, out)
  Napi::Value Interpolate(const Napi::CallbackInfo& info) {
    const Batch batch = batchOf(info, "interpolate");
    const Raster r = rasterOf(objectArg(info, 2, "interpolate"), batch, true);
    const auto a = channelsOf<Attributes>(objectArg(info, 3, "interpolate"), batch.mesh.vertexCount);
    float* out = float32Arg(info, 4, "out", batch.pixels() * a.channels);
    interpolate(batch.mesh, batch.views, r, a, out, *pool_);
    return info.Env().Undefined();
  }

  // interpolateBackward(mesh, views, raster, attributes, dOut, { dAttributes, dBary })
  Napi::Value InterpolateBackward(const Napi::CallbackInfo& info) {
    const Batch batch = batchOf(info, "interpolateBackward");
    const Raster r = rasterOf(objectArg(info, 2, "interpolateBackward"), batch, true);
    const auto a = channelsOf<Attributes>(objectArg(info, 3, "interpolateBackward"), batch.mesh.vertexCount);
    const float* dOut = float32Arg(info, 4, "dOut", batch.pixels() * a.channels);
    Napi::Object grads = objectArg(info, 5, "interpolateBackward");
    float* dAttributes = floatsOf(grads, "dAttributes", static_cast<size_t>(batch.mesh.vertexCount) * a.channels);
    float* dBary = floatsOf(grads, "dBary", 2 * batch.pixels());
    interpolateBackward(batch.mesh, batch.views, r, a, dOut, dAttributes, dBary, *pool_);
    return info.Env().Undefined();
  }

  // antialias(mesh, views, raster, image { values, channels }, out) → Int32Array of blends
  Napi::Value Antialias(const Napi::CallbackInfo& info) {
    const Batch batch = batchOf(info, "antialias");
    const Raster r = rasterOf(objectArg(info, 2, "antialias"), batch, true);
    const auto image = channelsOf<Image>(objectArg(info, 3, "antialias"), batch.pixels());
    float* out = float32Arg(info, 4, "out", batch.pixels() * image.channels);
    const std::vector<int32_t> events = antialias(batch.mesh, batch.views, r, image, out, *pool_);
    Napi::Int32Array result = Napi::Int32Array::New(info.Env(), events.size());
    std::copy(events.begin(), events.end(), result.Data());
    return result;
  }

  // antialiasBackward(mesh, views, image, events, dOut, { dImage, dPositions })
  Napi::Value AntialiasBackward(const Napi::CallbackInfo& info) {
    const Batch batch = batchOf(info, "antialiasBackward");
    const auto image = channelsOf<Image>(objectArg(info, 2, "antialiasBackward"), batch.pixels());
    const Napi::Int32Array events = eventsOf(info, 3, batch);
    const float* dOut = float32Arg(info, 4, "dOut", batch.pixels() * image.channels);
    Napi::Object grads = objectArg(info, 5, "antialiasBackward");
    float* dImage = floatsOf(grads, "dImage", batch.pixels() * image.channels);
    float* dPositions = floatsOf(grads, "dPositions", 3 * static_cast<size_t>(batch.mesh.vertexCount));
    antialiasBackward(batch.mesh, batch.views, image, events.Data(), static_cast<int>(events.ElementLength() / kEventInts),
                      dOut, dImage, dPositions);
    return info.Env().Undefined();
  }

  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace

void registerMeshRasterizer(Napi::Env env, Napi::Object exports) {
  exports.Set("MeshRasterizer", MeshRasterizer::Define(env));
}

}  // namespace kiln::mesh
