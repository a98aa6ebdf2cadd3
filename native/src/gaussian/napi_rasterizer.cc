#include "napi_rasterizer.h"

#include <memory>
#include <string>

#include "../common/buffers.h"
#include "rasterizer.h"

namespace kiln::gs {
namespace {

std::string describe(const char* what, size_t got, size_t want) {
  return std::string(what) + " has " + std::to_string(got) + " floats, expected " + std::to_string(want);
}

Params paramsOf(const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) throw Napi::TypeError::New(env, "params must be an object of Float32Arrays");
  Napi::Object o = value.As<Napi::Object>();
  Params p;
  p.count = intOf(o, "count", 0, 1 << 28);
  p.shDegreeMax = intOf(o, "shDegreeMax", 0, kMaxShDegree);
  const size_t n = static_cast<size_t>(p.count);
  p.means = floatsOf(o, "means", 3 * n);
  p.logScales = floatsOf(o, "logScales", 3 * n);
  p.quats = floatsOf(o, "quats", 4 * n);
  p.opacityLogits = floatsOf(o, "opacityLogits", n);
  p.shDc = floatsOf(o, "shDc", 3 * n);
  p.shRest = floatsOf(o, "shRest", 3 * n * p.restPerChannel());
  return p;
}

Napi::Object statsObject(Napi::Env env, const RasterStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("fragments", s.fragments);
  o.Set("pairs", s.pairs);
  return o;
}

class GaussianRasterizer : public Napi::ObjectWrap<GaussianRasterizer> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "GaussianRasterizer",
                       {InstanceMethod("forward", &GaussianRasterizer::Forward),
                        InstanceMethod("backward", &GaussianRasterizer::Backward),
                        InstanceAccessor("threads", &GaussianRasterizer::Threads, nullptr)});
  }

  explicit GaussianRasterizer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<GaussianRasterizer>(info) {
    impl_ = std::make_unique<Rasterizer>(threadsArg(info, 0));
  }

 private:
  Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), impl_->threads()); }

  // forward(params, { cameras, cameraCount, width, height, shDegree, background }, { rgb, alpha, depth, radii })
  Napi::Value Forward(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[1].IsObject() || !info[2].IsObject())
      throw Napi::TypeError::New(env, "forward(params, view, outputs) needs three objects");
    const Params params = paramsOf(info[0]);
    Napi::Object view = info[1].As<Napi::Object>();
    const int cameraCount = intOf(view, "cameraCount", 1, 4096);
    const int width = intOf(view, "width", 1, 16384);
    const int height = intOf(view, "height", 1, 16384);
    const int shDegree = intOf(view, "shDegree", 0, params.shDegreeMax);
    const float* cameras = floatsOf(view, "cameras", static_cast<size_t>(cameraCount) * kPackedCameraFloats);
    const float* background = floatsOf(view, "background", 3);
    Napi::Object outs = info[2].As<Napi::Object>();
    const size_t plane = static_cast<size_t>(width) * height * cameraCount;
    ForwardOutputs out{floatsOf(outs, "rgb", 3 * plane), floatsOf(outs, "alpha", plane), floatsOf(outs, "depth", plane),
                       floatsOf(outs, "radii", static_cast<size_t>(cameraCount) * params.count)};
    width_ = width;
    height_ = height;
    cameraCount_ = cameraCount;
    return statsObject(env, impl_->forward(params, cameras, cameraCount, width, height, shDegree, background, out));
  }

  // backward(params, { dRgb, dAlpha?, dDepth? }, grads { means, ... }, meanGrad2D)
  Napi::Value Backward(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 4 || !info[1].IsObject() || !info[2].IsObject())
      throw Napi::TypeError::New(env, "backward(params, upstream, grads, meanGrad2D) needs four arguments");
    const Params params = paramsOf(info[0]);
    if (!impl_->hasForwardState(params.count))
      throw Napi::Error::New(env, "backward() needs a forward() with the same Gaussians first");
    const size_t plane = static_cast<size_t>(width_) * height_ * cameraCount_;
    Napi::Object up = info[1].As<Napi::Object>();
    BackwardInputs in{floatsOf(up, "dRgb", 3 * plane), optionalFloatsOf(up, "dAlpha", plane),
                      optionalFloatsOf(up, "dDepth", plane)};
    Napi::Object g = info[2].As<Napi::Object>();
    const size_t n = static_cast<size_t>(params.count);
    Grads grads{floatsOf(g, "means", 3 * n), floatsOf(g, "logScales", 3 * n), floatsOf(g, "quats", 4 * n),
                floatsOf(g, "opacityLogits", n), floatsOf(g, "shDc", 3 * n),
                floatsOf(g, "shRest", 3 * n * params.restPerChannel())};
    kiln::FloatView mg = kiln::float32Arg(info, 3, "meanGrad2D");
    if (mg.length != 2 * n * cameraCount_)
      throw Napi::RangeError::New(env, describe("meanGrad2D", mg.length, 2 * n * cameraCount_));
    return statsObject(env, impl_->backward(params, in, grads, mg.data));
  }

  std::unique_ptr<Rasterizer> impl_;
  int width_ = 0, height_ = 0, cameraCount_ = 0;
};

Napi::Value RasterConstants(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("TILE", kTile);
  o.Set("ALPHA_MIN", kAlphaMin);
  o.Set("ALPHA_MAX", kAlphaMax);
  o.Set("T_MIN", kTMin);
  o.Set("DILATION", kDilation);
  o.Set("FRUSTUM_CLAMP", kFrustumClamp);
  o.Set("RADIUS_SIGMAS", kRadiusSigmas);
  o.Set("PACKED_CAMERA_FLOATS", kPackedCameraFloats);
  return o;
}

}  // namespace

void registerRasterizer(Napi::Env env, Napi::Object exports) {
  exports.Set("GaussianRasterizer", GaussianRasterizer::Define(env));
  exports.Set("rasterConstants", Napi::Function::New(env, RasterConstants, "rasterConstants"));
}

}  // namespace kiln::gs
