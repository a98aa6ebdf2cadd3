"""Renders a GLB in Blender's Cycles (no denoising) from four sides into one strip, as docs/readme-job-mesh.png is:

    blender -b --factory-startup --python scripts/blender-render-glb.py -- FILE.glb OUT.png

Front (glTF +Z), left, back and right, each 360² at 64 samples, under a sun and a pale sky; the camera frames the
mesh's bounding box from 35 % above its centre's height."""
import math
import os
import sys
import tempfile

import numpy

# Debian's Blender 3.4 glTF importer still uses the alias numpy.bool, which numpy 1.24 removed.
if "bool" not in numpy.__dict__:
    numpy.bool = bool

import bpy  # noqa: E402
from mathutils import Vector  # noqa: E402

SIZE = 360
AZIMUTHS_DEG = (0, 90, 180, 270)

path, out = sys.argv[sys.argv.index("--") + 1:][:2]
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.import_scene.gltf(filepath=path)
corners = [o.matrix_world @ Vector(c) for o in bpy.data.objects if o.type == "MESH" for c in o.bound_box]
lo = Vector([min(c[k] for c in corners) for k in range(3)])
hi = Vector([max(c[k] for c in corners) for k in range(3)])
centre, size = (lo + hi) / 2, (hi - lo).length

scene = bpy.context.scene
scene.render.engine = "CYCLES"
scene.cycles.samples = 64
scene.cycles.use_denoising = False
scene.render.resolution_x = scene.render.resolution_y = SIZE
world = bpy.data.worlds.new("sky")
scene.world = world
world.use_nodes = True
world.node_tree.nodes["Background"].inputs[0].default_value = (0.55, 0.6, 0.68, 1)
world.node_tree.nodes["Background"].inputs[1].default_value = 0.6
sun = bpy.data.objects.new("sun", bpy.data.lights.new("sun", "SUN"))
sun.data.energy = 3.0
sun.rotation_euler = (math.radians(50), 0, math.radians(30))
scene.collection.objects.link(sun)
camera = bpy.data.objects.new("camera", bpy.data.cameras.new("camera"))
camera.data.lens = 50
scene.collection.objects.link(camera)
scene.camera = camera

strips = []
with tempfile.TemporaryDirectory() as tmp:
    for i, azimuth in enumerate(AZIMUTHS_DEG):
        a, d = math.radians(azimuth), 1.45 * size
        # glTF's +Y up is Blender's +Z; glTF's +Z (the demo objects' front) is Blender's −Y.
        camera.location = centre + Vector((d * math.sin(a), -d * math.cos(a), 0.35 * d))
        camera.rotation_euler = (centre - camera.location).to_track_quat("-Z", "Y").to_euler()
        scene.render.filepath = os.path.join(tmp, f"view{i}.png")
        bpy.ops.render.render(write_still=True)
        image = bpy.data.images.load(scene.render.filepath)
        strips.append(numpy.array(image.pixels[:], dtype=numpy.float32).reshape(SIZE, SIZE, 4))
joined = numpy.concatenate(strips, axis=1)
result = bpy.data.images.new("strip", width=SIZE * len(strips), height=SIZE)
result.pixels = joined.ravel()
result.filepath_raw = out
result.file_format = "PNG"
result.save()
