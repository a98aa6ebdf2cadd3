// Helpers for the addon's one rule: kernels read and write only typed arrays that JavaScript allocated
// (no external ArrayBuffers, which Electron's V8 sandbox forbids), and argument checks that throw TypeError /
// RangeError naming the argument.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace kiln {

struct FloatView {
  float* data;
  size_t length;
};

// Returns the Float32Array argument at `index`, or throws a TypeError naming the argument.
FloatView float32Arg(const Napi::CallbackInfo& info, size_t index, const char* name);

// The Float32Array argument at `index` of exactly `want` elements.
float* float32Arg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t want);
// The Float32Array `obj[key]` of exactly `want` elements.
float* floatsOf(const Napi::Object& obj, const char* key, size_t want);
// The Int32Array `obj[key]` of exactly `want` elements.
int32_t* intsOf(const Napi::Object& obj, const char* key, size_t want);
// The Uint32Array `obj[key]` of exactly `want` elements.
uint32_t* uintsOf(const Napi::Object& obj, const char* key, size_t want);
// `obj[key]` if it is present and not null/undefined, else nullptr.
float* optionalFloatsOf(const Napi::Object& obj, const char* key, size_t want);
// The integer `obj[key]` in [lo, hi].
int intOf(const Napi::Object& obj, const char* key, int lo, int hi);
// The optional thread-count argument at `index` (1 when absent), in [1, 256].
int threadsArg(const Napi::CallbackInfo& info, size_t index);
// The object argument at `index`, or a TypeError saying what `call` needs.
Napi::Object objectArg(const Napi::CallbackInfo& info, size_t index, const char* call);

}  // namespace kiln
