#include "buffers.h"

namespace kiln {
namespace {

std::string describe(const char* what, size_t got, size_t want, const char* unit) {
  return std::string(what) + " has " + std::to_string(got) + " " + unit + ", expected " + std::to_string(want);
}

template <typename T, napi_typedarray_type kType>
T* typedOf(const Napi::Object& obj, const char* key, size_t want, const char* typeName, const char* unit) {
  Napi::Env env = obj.Env();
  Napi::Value v = obj.Get(key);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != kType)
    throw Napi::TypeError::New(env, std::string(key) + " must be a " + typeName);
  auto a = v.As<Napi::TypedArrayOf<T>>();
  if (a.ElementLength() != want) throw Napi::RangeError::New(env, describe(key, a.ElementLength(), want, unit));
  return a.Data();
}

}  // namespace

FloatView float32Arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Env env = info.Env();
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(env, std::string(name) + " must be a Float32Array");
  }
  auto array = info[index].As<Napi::Float32Array>();
  return FloatView{array.Data(), array.ElementLength()};
}

float* float32Arg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t want) {
  FloatView view = float32Arg(info, index, name);
  if (view.length != want) throw Napi::RangeError::New(info.Env(), describe(name, view.length, want, "floats"));
  return view.data;
}

float* floatsOf(const Napi::Object& obj, const char* key, size_t want) {
  return typedOf<float, napi_float32_array>(obj, key, want, "Float32Array", "floats");
}

int32_t* intsOf(const Napi::Object& obj, const char* key, size_t want) {
  return typedOf<int32_t, napi_int32_array>(obj, key, want, "Int32Array", "ints");
}

uint32_t* uintsOf(const Napi::Object& obj, const char* key, size_t want) {
  return typedOf<uint32_t, napi_uint32_array>(obj, key, want, "Uint32Array", "ints");
}

float* optionalFloatsOf(const Napi::Object& obj, const char* key, size_t want) {
  if (!obj.Has(key)) return nullptr;
  Napi::Value v = obj.Get(key);
  if (v.IsUndefined() || v.IsNull()) return nullptr;
  return floatsOf(obj, key, want);
}

int intOf(const Napi::Object& obj, const char* key, int lo, int hi) {
  Napi::Env env = obj.Env();
  Napi::Value v = obj.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(key) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (d != static_cast<int>(d) || d < lo || d > hi)
    throw Napi::RangeError::New(env, std::string(key) + " must be an integer in [" + std::to_string(lo) + ", " +
                                         std::to_string(hi) + "]");
  return static_cast<int>(d);
}

int threadsArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return 1;
  if (!info[index].IsNumber()) throw Napi::TypeError::New(info.Env(), "threads must be a number");
  const int threads = info[index].As<Napi::Number>().Int32Value();
  if (threads < 1 || threads > 256) throw Napi::RangeError::New(info.Env(), "threads must be in [1, 256]");
  return threads;
}

Napi::Object objectArg(const Napi::CallbackInfo& info, size_t index, const char* call) {
  if (info.Length() <= index || !info[index].IsObject())
    throw Napi::TypeError::New(info.Env(), std::string(call) + ": argument " + std::to_string(index + 1) +
                                               " must be an object");
  return info[index].As<Napi::Object>();
}

}  // namespace kiln
