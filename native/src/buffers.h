// Helpers for the addon's one rule: kernels read and write only typed arrays that JavaScript allocated
// (no external ArrayBuffers, which Electron's V8 sandbox forbids).
#pragma once
#include <napi.h>
#include <cstddef>
#include <string>

namespace kiln {

struct FloatView {
  float* data;
  size_t length;
};

// Returns the Float32Array argument at `index`, or throws a TypeError naming the argument.
FloatView float32Arg(const Napi::CallbackInfo& info, size_t index, const char* name);

}  // namespace kiln
