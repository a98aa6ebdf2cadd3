// exp(x) for x ≤ 0 without a library call, so the compositing loops vectorise. Range reduction by 2^n and a
// degree-6 polynomial on [−ln2/2, ln2/2]: relative error below 2e-7 over the range the rasterizer uses.
#pragma once
#include <cstdint>
#include <cstring>

namespace kiln::gs {

inline float fastExp(float x) {
  x = x < -87.0f ? -87.0f : x;
  // round(x / ln2) via truncation and a correction, not floorf: baseline x86-64 (SSE2) has no vector floor.
  const float t = x * 1.44269504088896341f + 0.5f;
  int32_t ti = static_cast<int32_t>(t);
  ti -= t < static_cast<float>(ti) ? 1 : 0;
  const float n = static_cast<float>(ti);
  const float r = x - n * 0.693145751953125f - n * 1.42860682030941723212e-6f;
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t bits = (ti + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace kiln::gs
