{
  "targets": [
    {
      "target_name": "kiln_native",
      "sources": [
        "src/addon.cc",
        "src/common/buffers.cc",
        "src/common/camera.cc",
        "src/common/thread_pool.cc",
        "src/gaussian/spherical_harmonics.cc",
        "src/gaussian/project.cc",
        "src/gaussian/rasterizer.cc",
        "src/gaussian/napi_rasterizer.cc",
        "src/mesh/camera_space.cc",
        "src/mesh/rasterize.cc",
        "src/mesh/interpolate.cc",
        "src/mesh/edge_neighbours.cc",
        "src/mesh/antialias.cc",
        "src/mesh/napi_mesh.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off", "-Wall", "-Wextra", "-pthread"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17", "/O2"] }
      }
    }
  ]
}
