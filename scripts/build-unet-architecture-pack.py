#!/usr/bin/env python3
"""Builds a model pack whose UNet has the full-size SD 1.5 or SDXL architecture with random weights, for measuring
memory and seconds per UNet call (`kiln models measure PACK`). Not a working model: the weights are random, and the
text encoders and VAE are minimal stand-ins with the right tensor names and widths (their time is not representative).

The UNet follows diffusers' UNet2DConditionModel for the two configs (block_out_channels, layers_per_block,
transformer depth, heads, cross-attention width, SDXL's text_time added embedding), written straight as an ONNX graph
with optimum's tensor names and dynamic axes; `--check` counts its parameters without writing them, against the real
models' (SD 1.5: 859,520,964; SDXL base: 2,567,463,684). Weights go to unet/model.onnx_data as they are made, so the
SDXL build needs ~1.3 GB of RAM (and ~10.3 GB of disk, fp32) and takes a few minutes.

Needs onnx and numpy, and PyTorch for the stand-ins (Debian: python3-onnx, python3-torch). Keep such packs out of the
repository and out of CI (docs/model-packs.md).

  python3 scripts/build-unet-architecture-pack.py --arch sd15 --out /tmp/sd15-arch
  python3 scripts/build-unet-architecture-pack.py --arch sdxl --check
"""
import argparse
import json
import math
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

ARCHS = {
    # channels, resnets per block, attention per block (transformer depth, 0 = none), heads, cross width, SDXL?
    "sd15": dict(channels=[320, 640, 1280, 1280], layers=2, depth=[1, 1, 1, 0], heads=[8, 8, 8, 8], cross=768, sdxl=False, sample=64, params=859_520_964),
    "sdxl": dict(channels=[320, 640, 1280], layers=2, depth=[0, 2, 10], heads=[5, 10, 20], cross=2048, sdxl=True, sample=128, params=2_567_463_684),
    # Small configs with the same structure, for trying the script quickly.
    "tiny": dict(channels=[32, 64], layers=1, depth=[1, 1], heads=[2, 2], cross=768, sdxl=False, sample=8, params=None),
    "tiny-xl": dict(channels=[32, 64], layers=1, depth=[0, 2], heads=[2, 2], cross=2048, sdxl=True, sample=8, params=None),
}


def lin(a, b, bias=True):
    return nn.Linear(a, b, bias=bias)


def conv(a, b, k=3, stride=1, padding=None):
    return nn.Conv2d(a, b, k, stride=stride, padding=k // 2 if padding is None else padding)


class UnetGraph:
    """The UNet written straight as an ONNX graph (onnx.helper), its weights streamed to one external data file as
    they are made: nothing holds the whole model, so SDXL's 10.3 GB of fp32 weights need only disk. (PyTorch's
    exporter materialises every parameter during its passes and failed with bad_alloc on SDXL in 23 GB of RAM.) With
    `data` None only the parameters are counted (--check)."""

    def __init__(self, data, data_name):
        self.nodes, self.initializers, self.count, self.offset, self.n = [], [], 0, 0, 0
        self.data, self.data_name, self.rng = data, data_name, np.random.default_rng(0)

    def op(self, op_type, inputs, outputs=1, **attrs):
        self.n += 1
        names = [f"{op_type}_{self.n}_{k}" for k in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, names, name=f"{op_type}_{self.n}", **attrs))
        return names[0] if outputs == 1 else names

    def const(self, values, dtype=np.float32):
        self.n += 1
        name = f"const_{self.n}"
        self.initializers.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
        return name

    def weight(self, shape, fan_in=None, fill=None):
        """A parameter: `fill` for norm scales and shifts, else PyTorch's default uniform ±1/√fan_in (activations stay
        finite and normal: denormals or NaNs would distort the timing)."""
        self.n += 1
        name, size = f"w_{self.n}", int(np.prod(shape))
        self.count += size
        if self.data is None:
            return name
        bound = 1 / math.sqrt(fan_in) if fan_in else 0
        values = np.full(shape, fill, np.float32) if fill is not None else self.rng.uniform(-bound, bound, size=shape).astype(np.float32)
        raw = values.tobytes()
        self.data.write(raw)
        tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=shape, data_location=TensorProto.EXTERNAL)
        for key, value in (("location", self.data_name), ("offset", str(self.offset)), ("length", str(len(raw)))):
            tensor.external_data.add(key=key, value=value)
        self.initializers.append(tensor)
        self.offset += len(raw)
        return name

    # Layers, as diffusers' UNet2DConditionModel has them.
    def linear(self, x, a, b, bias=True):
        y = self.op("MatMul", [x, self.weight([a, b], a)])
        return self.op("Add", [y, self.weight([b], a)]) if bias else y

    def conv(self, x, a, b, k=3, stride=1):
        return self.op("Conv", [x, self.weight([b, a, k, k], a * k * k), self.weight([b], a * k * k)], kernel_shape=[k, k], strides=[stride, stride], pads=[k // 2] * 4)

    def silu(self, x):
        return self.op("Mul", [x, self.op("Sigmoid", [x])])

    def group_norm(self, x, c, eps=1e-5):
        groups = self.op("Reshape", [x, self.const([0, 32, -1], np.int64)])
        normed = self.op("InstanceNormalization", [groups, self.const(np.ones(32)), self.const(np.zeros(32))], epsilon=eps)
        back = self.op("Reshape", [normed, self.op("Shape", [x])])
        return self.op("Add", [self.op("Mul", [back, self.weight([c, 1, 1], fill=1.0)]), self.weight([c, 1, 1], fill=0.0)])

    def layer_norm(self, x, c):
        return self.op("LayerNormalization", [x, self.weight([c], fill=1.0), self.weight([c], fill=0.0)], axis=-1, epsilon=1e-5)

    def resnet(self, x, a, b, emb, temb):
        h = self.conv(self.silu(self.group_norm(x, a)), a, b)
        t = self.op("Unsqueeze", [self.linear(self.silu(emb), temb, b), self.const([2, 3], np.int64)])
        h = self.conv(self.silu(self.group_norm(self.op("Add", [h, t]), b)), b, b)
        return self.op("Add", [h, self.conv(x, a, b, 1) if a != b else x])

    def attention(self, x, d, context, dc, heads):
        split = lambda t, perm: self.op("Transpose", [self.op("Reshape", [t, self.const([0, 0, heads, d // heads], np.int64)])], perm=perm)
        q = split(self.linear(x, d, d, False), [0, 2, 1, 3])
        k = split(self.linear(context, dc, d, False), [0, 2, 3, 1])
        v = split(self.linear(context, dc, d, False), [0, 2, 1, 3])
        w = self.op("Softmax", [self.op("Div", [self.op("MatMul", [q, k]), self.const(math.sqrt(d // heads))])], axis=-1)
        o = self.op("Reshape", [self.op("Transpose", [self.op("MatMul", [w, v])], perm=[0, 2, 1, 3]), self.const([0, 0, d], np.int64)])
        return self.linear(o, d, d)

    def transformer_block(self, x, d, context, cross, heads):
        n1 = self.layer_norm(x, d)
        x = self.op("Add", [x, self.attention(n1, d, n1, d, heads)])
        x = self.op("Add", [x, self.attention(self.layer_norm(x, d), d, context, cross, heads)])
        h, gate = self.op("Split", [self.linear(self.layer_norm(x, d), d, 8 * d), self.const([4 * d, 4 * d], np.int64)], outputs=2, axis=-1)
        gelu = self.op("Mul", [gate, self.op("Mul", [self.op("Add", [self.op("Erf", [self.op("Div", [gate, self.const(math.sqrt(2))])]), self.const(1.0)]), self.const(0.5)])])
        return self.op("Add", [x, self.linear(self.op("Mul", [h, gelu]), 4 * d, d)])

    def transformer_2d(self, x, c, context, cross, heads, depth):
        t = self.op("Transpose", [self.op("Reshape", [self.group_norm(x, c, 1e-6), self.const([0, c, -1], np.int64)])], perm=[0, 2, 1])
        t = self.linear(t, c, c)
        for _ in range(depth):
            t = self.transformer_block(t, c, context, cross, heads)
        t = self.op("Transpose", [self.linear(t, c, c)], perm=[0, 2, 1])
        return self.op("Add", [x, self.op("Reshape", [t, self.op("Shape", [x])])])

    def sinusoid(self, t, dim):
        """diffusers' Timesteps(dim, flip_sin_to_cos=True, downscale_freq_shift=0) of a column of values."""
        half = dim // 2
        args = self.op("Mul", [t, self.const(np.exp(-math.log(10000) * np.arange(half) / half)[None])])
        return self.op("Concat", [self.op("Cos", [args]), self.op("Sin", [args])], axis=-1)

    def unet(self, a):
        ch, layers, temb, cross = a["channels"], a["layers"], 4 * a["channels"][0], a["cross"]
        t = self.op("Reshape", [self.op("Cast", ["timestep"], to=TensorProto.FLOAT), self.const([1, 1], np.int64)])
        emb = self.linear(self.silu(self.linear(self.sinusoid(t, ch[0]), ch[0], temb)), temb, temb)
        if a["sdxl"]:
            ids = self.sinusoid(self.op("Reshape", ["time_ids", self.const([-1, 1], np.int64)]), 256)
            added = self.op("Concat", ["text_embeds", self.op("Reshape", [ids, self.const([-1, 6 * 256], np.int64)])], axis=1)
            emb = self.op("Add", [emb, self.linear(self.silu(self.linear(added, 6 * 256 + 1280, temb)), temb, temb)])
        attend = lambda h, i, c: self.transformer_2d(h, c, "encoder_hidden_states", cross, a["heads"][i], a["depth"][i]) if a["depth"][i] else h
        h = self.conv("sample", 4, ch[0])
        skips, prev = [h], ch[0]
        for i, c in enumerate(ch):
            for j in range(layers):
                h = attend(self.resnet(h, prev if j == 0 else c, c, emb, temb), i, c)
                skips.append(h)
            if i < len(ch) - 1:
                h = self.conv(h, c, c, 3, 2)
                skips.append(h)
            prev = c
        h = self.resnet(h, ch[-1], ch[-1], emb, temb)
        h = self.transformer_2d(h, ch[-1], "encoder_hidden_states", cross, a["heads"][-1], max(a["depth"][-1], 1))
        h = self.resnet(h, ch[-1], ch[-1], emb, temb)
        rev = list(reversed(ch))
        for i, c in enumerate(rev):
            skip_in = rev[min(i + 1, len(ch) - 1)]
            for j in range(layers + 1):
                skip = skips.pop()
                cin = (prev if j == 0 else c) + (skip_in if j == layers else c)
                h = attend(self.resnet(self.op("Concat", [h, skip], axis=1), cin, c, emb, temb), len(ch) - 1 - i, c)
            if i < len(ch) - 1:
                h = self.conv(self.op("Resize", [h, "", self.const([1, 1, 2, 2])], mode="nearest"), c, c)
            prev = c
        return self.conv(self.silu(self.group_norm(h, ch[0])), ch[0], 4)


def write_unet(a, out):
    """Writes unet/model.onnx and its model.onnx_data with the exact input/output names and dynamic axes optimum's
    export has; returns the parameter count."""
    os.makedirs(os.path.join(out, "unet"), exist_ok=True)
    f = lambda name, shape: helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
    inputs = [f("sample", ["batch_size", 4, "height", "width"]), helper.make_tensor_value_info("timestep", TensorProto.INT64, []), f("encoder_hidden_states", ["batch_size", "sequence_length", a["cross"]])]
    if a["sdxl"]:
        inputs += [f("text_embeds", ["batch_size", 1280]), f("time_ids", ["batch_size", 6])]
    with open(os.path.join(out, "unet", "model.onnx_data"), "wb") as data:
        g = UnetGraph(data, "model.onnx_data")
        result = g.unet(a)
    g.nodes.append(helper.make_node("Identity", [result], ["out_sample"]))
    graph = helper.make_graph(g.nodes, "unet", inputs, [f("out_sample", ["batch_size", 4, "height", "width"])], g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="kiln build-unet-architecture-pack")
    model.ir_version = 8
    onnx.save(model, os.path.join(out, "unet", "model.onnx"))
    return g.count


def count_parameters(a):
    g = UnetGraph(None, None)
    g.unet(a)
    return g.count


class TextEncoder(nn.Module):
    """A stand-in CLIP text encoder: an embedding, its mean as the pooled output, hidden_states.0–2 for SDXL."""

    def __init__(self, width, pooled, hidden_states):
        super().__init__()
        self.embed, self.hidden_states = nn.Embedding(49408, width), hidden_states
        self.projection = lin(width, 1280) if pooled else None

    def forward(self, ids):
        h = self.embed(ids)
        head = (self.projection(h.mean(dim=1)), h) if self.projection is not None else (h, h.mean(dim=1))
        return (*head, h, h * 0.5, h) if self.hidden_states else head


def export(model, args, names, dynamic, path, outputs):
    torch.onnx.export(model, args, path, input_names=names, output_names=outputs, dynamic_axes=dynamic, opset_version=17, do_constant_folding=False)


def build(a, out):
    torch.manual_seed(0)
    os.makedirs(out, exist_ok=True)
    put = lambda rel, obj: (os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True), open(os.path.join(out, rel), "w").write(json.dumps(obj, indent=2)))
    s, widths = a["sample"], ([768, 1280] if a["sdxl"] else [a["cross"]])
    print(f"unet: {write_unet(a, out):,} parameters")
    put("unet/config.json", {"in_channels": 4, "out_channels": 4, "sample_size": s, "cross_attention_dim": a["cross"], **({"addition_embed_type": "text_time"} if a["sdxl"] else {})})

    for i, width in enumerate(widths):
        component = "text_encoder_2" if i else "text_encoder"
        pooled = a["sdxl"] and i == 1
        names = ["text_embeds", "last_hidden_state"] if pooled else ["last_hidden_state", "pooler_output"]
        if a["sdxl"]:
            names += [f"hidden_states.{k}" for k in range(3)]
        os.makedirs(os.path.join(out, component), exist_ok=True)
        with torch.no_grad():
            export(TextEncoder(width, pooled, a["sdxl"]).eval(), (torch.zeros(1, 77, dtype=torch.int64),), ["input_ids"], {"input_ids": {0: "batch_size", 1: "sequence_length"}, **{n: {0: "batch_size"} for n in names}}, os.path.join(out, component, "model.onnx"), names)
        put(f"{component}/config.json", {"hidden_size": width, **({"projection_dim": 1280} if pooled else {})})
    for name, (cin, cout, stride) in {"vae_encoder": (3, 8, True), "vae_decoder": (4, 3, False)}.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        layer = conv(cin, cout, 8, 8, 0) if stride else nn.Sequential(nn.Upsample(scale_factor=8.0), conv(cin, cout))
        inp = torch.randn(1, cin, s * 8, s * 8) if stride else torch.randn(1, cin, s, s)
        io = (["sample"], ["latent_parameters"]) if stride else (["latent_sample"], ["sample"])
        with torch.no_grad():
            export(layer.eval(), (inp,), io[0], {io[0][0]: {0: "batch_size", 2: "h", 3: "w"}, io[1][0]: {0: "batch_size", 2: "oh", 3: "ow"}}, os.path.join(out, name, "model.onnx"), io[1])
        put(f"{name}/config.json", {"latent_channels": 4, "scaling_factor": 0.13025 if a["sdxl"] else 0.18215, "block_out_channels": [1, 1, 1, 1]})
    put("scheduler/scheduler_config.json", {"_class_name": "EulerDiscreteScheduler" if a["sdxl"] else "PNDMScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "steps_offset": 1, "set_alpha_to_one": False, "timestep_spacing": "leading"})
    put("model_index.json", {"_class_name": "ORTStableDiffusionXLPipeline" if a["sdxl"] else "ORTStableDiffusionPipeline", "force_zeros_for_empty_prompt": True})
    return widths


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", choices=ARCHS, required=True)
    parser.add_argument("--out", help="pack folder to write (it needs tokenizer/ and, for SDXL, tokenizer_2/ copied in)")
    parser.add_argument("--check", action="store_true", help="count the UNet's parameters on the meta device and compare")
    a = ARCHS[parser.parse_args().arch]
    args = parser.parse_args()
    if args.check:
        count = count_parameters(a)
        print(f"{args.arch}: {count:,} parameters" + (f" (real model: {a['params']:,})" if a["params"] else ""))
        raise SystemExit(0 if a["params"] in (None, count) else 1)
    if not args.out:
        parser.error("--out PACK is required unless --check")
    build(a, args.out)
    print(f"wrote {args.out}; copy a CLIP tokenizer folder in as tokenizer/ (and tokenizer_2/ for SDXL), then: kiln models measure {args.out}")


if __name__ == "__main__":
    main()
