#pragma once
#include <napi.h>

namespace kiln::gs {

// Registers the GaussianRasterizer class and rasterConstants() on the addon's exports.
void registerRasterizer(Napi::Env env, Napi::Object exports);

}  // namespace kiln::gs
