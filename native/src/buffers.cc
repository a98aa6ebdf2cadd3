#include "buffers.h"

namespace kiln {

FloatView float32Arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Env env = info.Env();
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(env, std::string(name) + " must be a Float32Array");
  }
  auto array = info[index].As<Napi::Float32Array>();
  return FloatView{array.Data(), array.ElementLength()};
}

}  // namespace kiln
