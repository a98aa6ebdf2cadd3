#include "project.h"

#include <algorithm>
#include <cmath>

#include "spherical_harmonics.h"

namespace kiln::gs {

namespace {

inline void quatToRotation(const float* q, float* R) {
  const float w = q[0], x = q[1], y = q[2], z = q[3];
  R[0] = 1 - 2 * (y * y + z * z);
  R[1] = 2 * (x * y - w * z);
  R[2] = 2 * (x * z + w * y);
  R[3] = 2 * (x * y + w * z);
  R[4] = 1 - 2 * (x * x + z * z);
  R[5] = 2 * (y * z - w * x);
  R[6] = 2 * (x * z - w * y);
  R[7] = 2 * (y * z + w * x);
  R[8] = 1 - 2 * (x * x + y * y);
}

inline int clampTile(int v, int n) { return v < 0 ? 0 : (v > n ? n : v); }

}  // namespace

void projectGaussian(const Params& p, int i, const Camera& cam, int shDegree, Projected& out, Projection* proj) {
  Projection local;
  Projection& P = proj ? *proj : local;
  out.radius = 0;
  const float* m = p.means + 3 * i;
  const float* R = cam.R;
  for (int r = 0; r < 3; ++r) P.pView[r] = R[3 * r] * m[0] + R[3 * r + 1] * m[1] + R[3 * r + 2] * m[2] + cam.t[r];
  const float x = P.pView[0], y = P.pView[1], z = P.pView[2];
  if (!(z > cam.near)) return;

  const float* qr = p.quats + 4 * i;
  P.qNorm = std::sqrt(qr[0] * qr[0] + qr[1] * qr[1] + qr[2] * qr[2] + qr[3] * qr[3]);
  if (!(P.qNorm > 0)) return;
  for (int a = 0; a < 4; ++a) P.q[a] = qr[a] / P.qNorm;
  quatToRotation(P.q, P.rot);
  for (int a = 0; a < 3; ++a) P.scale[a] = std::exp(p.logScales[3 * i + a]);
  float M[9];
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) M[3 * r + c] = P.rot[3 * r + c] * P.scale[c];
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      P.cov3[3 * r + c] = M[3 * r] * M[3 * c] + M[3 * r + 1] * M[3 * c + 1] + M[3 * r + 2] * M[3 * c + 2];

  const float limX = kFrustumClamp * 0.5f * cam.width / cam.fx;
  const float limY = kFrustumClamp * 0.5f * cam.height / cam.fy;
  const float rx = x / z, ry = y / z;
  P.clampX = rx > limX ? 1 : (rx < -limX ? -1 : 0);
  P.clampY = ry > limY ? 1 : (ry < -limY ? -1 : 0);
  const float txz = std::min(limX, std::max(-limX, rx));
  const float tyz = std::min(limY, std::max(-limY, ry));
  const float J[6] = {cam.fx / z, 0, -cam.fx * txz / z, 0, cam.fy / z, -cam.fy * tyz / z};
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c) P.T[3 * r + c] = J[3 * r] * R[c] + J[3 * r + 1] * R[3 + c] + J[3 * r + 2] * R[6 + c];
  float TS[6];
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c)
      TS[3 * r + c] = P.T[3 * r] * P.cov3[c] + P.T[3 * r + 1] * P.cov3[3 + c] + P.T[3 * r + 2] * P.cov3[6 + c];
  const float a = TS[0] * P.T[0] + TS[1] * P.T[1] + TS[2] * P.T[2] + kDilation;
  const float b = TS[0] * P.T[3] + TS[1] * P.T[4] + TS[2] * P.T[5];
  const float c = TS[3] * P.T[3] + TS[4] * P.T[4] + TS[5] * P.T[5] + kDilation;
  const float det = a * c - b * b;
  if (!(det > 0)) return;
  const float mid = 0.5f * (a + c);
  const float lambda = mid + std::sqrt(std::max(0.1f, mid * mid - det));
  const int radius = static_cast<int>(std::ceil(kRadiusSigmas * std::sqrt(lambda)));
  const float u = cam.fx * x / z + cam.cx;
  const float v = cam.fy * y / z + cam.cy;
  const int tilesX = (cam.width + kTile - 1) / kTile, tilesY = (cam.height + kTile - 1) / kTile;
  out.rect[0] = clampTile(static_cast<int>(std::floor((u - radius) / kTile)), tilesX);
  out.rect[1] = clampTile(static_cast<int>(std::floor((v - radius) / kTile)), tilesY);
  out.rect[2] = clampTile(static_cast<int>(std::ceil((u + radius) / kTile)), tilesX);
  out.rect[3] = clampTile(static_cast<int>(std::ceil((v + radius) / kTile)), tilesY);
  if (out.rect[0] >= out.rect[2] || out.rect[1] >= out.rect[3]) return;

  float dv[3];
  for (int k = 0; k < 3; ++k) dv[k] = m[k] - cam.position[k];
  P.dirNorm = std::sqrt(dv[0] * dv[0] + dv[1] * dv[1] + dv[2] * dv[2]);
  for (int k = 0; k < 3; ++k) P.dir[k] = dv[k] / P.dirNorm;
  const int K = (shDegree + 1) * (shDegree + 1);
  const int rest = p.restPerChannel();
  float basis[16];
  evalShBasis(shDegree, P.dir[0], P.dir[1], P.dir[2], basis, nullptr);
  out.colourClamped = 0;
  for (int ch = 0; ch < 3; ++ch) {
    float sum = basis[0] * p.shDc[3 * i + ch];
    const float* coef = p.shRest + static_cast<size_t>(i) * 3 * rest + ch * rest;
    for (int k = 1; k < K; ++k) sum += basis[k] * coef[k - 1];
    sum += 0.5f;
    if (sum < 0) out.colourClamped |= static_cast<uint8_t>(1 << ch);
    out.colour[ch] = std::max(0.0f, sum);
  }
  out.u = u;
  out.v = v;
  out.depth = z;
  out.conicA = c / det;
  out.conicB = -b / det;
  out.conicC = a / det;
  out.opacity = 1.0f / (1.0f + std::exp(-p.opacityLogits[i]));
  // opacity·exp(−½ dᵀQd) ≥ kAlphaMin ⇔ dᵀQd ≤ 2 ln(opacity/kAlphaMin); that ellipse's bounding box has half-widths
  // √(k·Σxx), √(k·Σyy). A pixel-wide margin keeps the cull exact despite rounding.
  const float k = 2.0f * std::log(std::max(out.opacity / kAlphaMin, 1.0f));
  out.reachX = std::sqrt(k * a) + 1.0f;
  out.reachY = std::sqrt(k * c) + 1.0f;
  out.radius = radius;
}

void projectGaussianBackward(const Params& p, int i, const Camera& cam, int shDegree, const Projected& pr,
                             const ScreenGrad& s, const Grads& grads) {
  Projected again;
  Projection P;
  projectGaussian(p, i, cam, shDegree, again, &P);
  const float* R = cam.R;
  float dMean[3] = {0, 0, 0};

  // Colour from SH; clamped channels pass nothing.
  const int K = (shDegree + 1) * (shDegree + 1);
  const int rest = p.restPerChannel();
  float basis[16], dBasis[48];
  evalShBasis(shDegree, P.dir[0], P.dir[1], P.dir[2], basis, dBasis);
  float dDir[3] = {0, 0, 0};
  for (int ch = 0; ch < 3; ++ch) {
    const float dSum = (pr.colourClamped >> ch) & 1 ? 0.0f : s.colour[ch];
    if (dSum == 0) continue;
    grads.shDc[3 * i + ch] += dSum * basis[0];
    const size_t base = static_cast<size_t>(i) * 3 * rest + ch * rest;
    for (int k = 1; k < K; ++k) {
      grads.shRest[base + k - 1] += dSum * basis[k];
      const float coef = p.shRest[base + k - 1];
      for (int a = 0; a < 3; ++a) dDir[a] += dSum * coef * dBasis[3 * k + a];
    }
  }
  const float dDotD = dDir[0] * P.dir[0] + dDir[1] * P.dir[1] + dDir[2] * P.dir[2];
  for (int a = 0; a < 3; ++a) dMean[a] += (dDir[a] - dDotD * P.dir[a]) / P.dirNorm;

  const float x = P.pView[0], y = P.pView[1], z = P.pView[2];
  const float fx = cam.fx, fy = cam.fy;
  float dView[3] = {s.u * fx / z, s.v * fy / z, s.depth};
  dView[2] += -s.u * fx * x / (z * z) - s.v * fy * y / (z * z);

  // conic = cov2⁻¹: dcov2 = −Q G Q with the off-diagonal of G halved (it appears twice in Q).
  const float A = pr.conicA, B = pr.conicB, C = pr.conicC;
  const float gA = s.conicA, gB = 0.5f * s.conicB, gC = s.conicC;
  const float QG00 = A * gA + B * gB, QG01 = A * gB + B * gC, QG10 = B * gA + C * gB, QG11 = B * gB + C * gC;
  const float G2[4] = {-(QG00 * A + QG01 * B), -(QG00 * B + QG01 * C), -(QG00 * B + QG01 * C), -(QG10 * B + QG11 * C)};
  // cov2 = T Σ Tᵀ: dΣ = Tᵀ G2 T, dT = 2 G2 T Σ.
  const float* T = P.T;
  float G2T[6];
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c) G2T[3 * r + c] = G2[2 * r] * T[c] + G2[2 * r + 1] * T[3 + c];
  float dCov3[9];
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) dCov3[3 * r + c] = T[r] * G2T[c] + T[3 + r] * G2T[3 + c];
  float dT[6];
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c)
      dT[3 * r + c] = 2 * (G2T[3 * r] * P.cov3[c] + G2T[3 * r + 1] * P.cov3[3 + c] + G2T[3 * r + 2] * P.cov3[6 + c]);
  float dJ[6];
  for (int r = 0; r < 2; ++r)
    for (int k = 0; k < 3; ++k) dJ[3 * r + k] = dT[3 * r] * R[3 * k] + dT[3 * r + 1] * R[3 * k + 1] + dT[3 * r + 2] * R[3 * k + 2];
  const float limX = kFrustumClamp * 0.5f * cam.width / fx;
  const float limY = kFrustumClamp * 0.5f * cam.height / fy;
  const float txz = P.clampX == 0 ? x / z : P.clampX * limX;
  const float tyz = P.clampY == 0 ? y / z : P.clampY * limY;
  const float z2 = z * z;
  dView[2] += dJ[0] * (-fx / z2) + dJ[4] * (-fy / z2) + dJ[2] * (fx * txz / z2) + dJ[5] * (fy * tyz / z2);
  if (P.clampX == 0) {
    dView[0] += dJ[2] * (-fx / z2);
    dView[2] += dJ[2] * (fx * x / (z2 * z));
  }
  if (P.clampY == 0) {
    dView[1] += dJ[5] * (-fy / z2);
    dView[2] += dJ[5] * (fy * y / (z2 * z));
  }
  for (int a = 0; a < 3; ++a) dMean[a] += R[a] * dView[0] + R[3 + a] * dView[1] + R[6 + a] * dView[2];
  for (int a = 0; a < 3; ++a) grads.means[3 * i + a] += dMean[a];

  // Σ = M Mᵀ, M = rot·diag(scale).
  float dRot[9];
  for (int c = 0; c < 3; ++c) {
    float dScale = 0;
    for (int r = 0; r < 3; ++r) {
      float dM = 0;
      for (int k = 0; k < 3; ++k) dM += 2 * dCov3[3 * r + k] * P.rot[3 * k + c] * P.scale[c];
      dScale += dM * P.rot[3 * r + c];
      dRot[3 * r + c] = dM * P.scale[c];
    }
    grads.logScales[3 * i + c] += dScale * P.scale[c];
  }
  const float w = P.q[0], qx = P.q[1], qy = P.q[2], qz = P.q[3];
  const float* d = dRot;
  const float dq[4] = {
      2 * (-qz * d[1] + qy * d[2] + qz * d[3] - qx * d[5] - qy * d[6] + qx * d[7]),
      2 * (qy * d[1] + qz * d[2] + qy * d[3] - 2 * qx * d[4] - w * d[5] + qz * d[6] + w * d[7] - 2 * qx * d[8]),
      2 * (-2 * qy * d[0] + qx * d[1] + w * d[2] + qx * d[3] + qz * d[5] - w * d[6] + qz * d[7] - 2 * qy * d[8]),
      2 * (-2 * qz * d[0] - w * d[1] + qx * d[2] + w * d[3] - 2 * qz * d[4] + qy * d[5] + qx * d[6] + qy * d[7]),
  };
  const float dqDotQ = dq[0] * w + dq[1] * qx + dq[2] * qy + dq[3] * qz;
  for (int a = 0; a < 4; ++a) grads.quats[4 * i + a] += (dq[a] - dqDotQ * P.q[a]) / P.qNorm;

  grads.opacityLogits[i] += s.opacity * pr.opacity * (1 - pr.opacity);
}

}  // namespace kiln::gs
