#include "camera.h"

namespace kiln {

Camera unpackCamera(const float* c, int width, int height) {
  Camera cam{};
  for (int k = 0; k < 9; ++k) cam.R[k] = c[k];
  for (int k = 0; k < 3; ++k) cam.t[k] = c[9 + k];
  cam.fx = c[12];
  cam.fy = c[13];
  cam.cx = c[14];
  cam.cy = c[15];
  cam.near = c[16];
  cam.width = width;
  cam.height = height;
  for (int a = 0; a < 3; ++a)
    cam.position[a] = -(cam.R[a] * cam.t[0] + cam.R[3 + a] * cam.t[1] + cam.R[6 + a] * cam.t[2]);
  return cam;
}

}  // namespace kiln
