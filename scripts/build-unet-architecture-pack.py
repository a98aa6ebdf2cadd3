#!/usr/bin/env python3
"""Builds a model pack whose UNet has the full-size SD 1.5 or SDXL architecture with random weights, for measuring
memory and seconds per UNet call (`kiln models measure PACK`). Not a working model: the weights are random, and the
text encoders and VAE are minimal stand-ins with the right tensor names and widths (their time is not representative).

The UNet follows diffusers' UNet2DConditionModel for the two configs (block_out_channels, layers_per_block,
transformer depth, heads, cross-attention width, SDXL's text_time added embedding); `--check` counts its parameters on
the meta device against the real models' (SD 1.5: 859,520,964; SDXL base: 2,567,463,684) without allocating them.

Needs PyTorch and onnx (Debian: python3-torch, python3-onnx). The SDXL build takes ~25 GB of RAM and writes ~10 GB:
keep such packs out of the repository and out of CI (docs/model-packs.md).

  python3 scripts/build-unet-architecture-pack.py --arch sd15 --out /tmp/sd15-arch
  python3 scripts/build-unet-architecture-pack.py --arch sdxl --check
"""
import argparse
import json
import math
import os

import torch
from torch import nn

ARCHS = {
    # channels, resnets per block, attention per block (transformer depth, 0 = none), heads, cross width, SDXL?
    "sd15": dict(channels=[320, 640, 1280, 1280], layers=2, depth=[1, 1, 1, 0], heads=[8, 8, 8, 8], cross=768, sdxl=False, sample=64, params=859_520_964),
    "sdxl": dict(channels=[320, 640, 1280], layers=2, depth=[0, 2, 10], heads=[5, 10, 20], cross=2048, sdxl=True, sample=128, params=2_567_463_684),
    # A small config with the same structure, for trying the script quickly.
    "tiny": dict(channels=[32, 64], layers=1, depth=[1, 1], heads=[2, 2], cross=768, sdxl=False, sample=8, params=None),
}
DEVICE = "cpu"


def gn(c, eps=1e-5):
    return nn.GroupNorm(32 if c % 32 == 0 else 8, c, eps=eps, device=DEVICE)


def lin(a, b, bias=True):
    return nn.Linear(a, b, bias=bias, device=DEVICE)


def conv(a, b, k=3, stride=1, padding=None):
    return nn.Conv2d(a, b, k, stride=stride, padding=k // 2 if padding is None else padding, device=DEVICE)


def sinusoid(t, dim):
    """diffusers' Timesteps(dim, flip_sin_to_cos=True, downscale_freq_shift=0)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class Resnet(nn.Module):
    def __init__(self, cin, cout, temb):
        super().__init__()
        self.norm1, self.conv1, self.time_emb_proj = gn(cin), conv(cin, cout), lin(temb, cout)
        self.norm2, self.conv2 = gn(cout), conv(cout, cout)
        self.shortcut = conv(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb):
        h = self.conv1(nn.functional.silu(self.norm1(x)))
        h = h + self.time_emb_proj(nn.functional.silu(emb))[:, :, None, None]
        h = self.conv2(nn.functional.silu(self.norm2(h)))
        return h + (self.shortcut(x) if self.shortcut is not None else x)


class Attention(nn.Module):
    def __init__(self, dim, context, heads):
        super().__init__()
        self.heads = heads
        self.to_q, self.to_k, self.to_v = lin(dim, dim, False), lin(context, dim, False), lin(context, dim, False)
        self.to_out = lin(dim, dim)

    def forward(self, x, context=None):
        context = x if context is None else context
        b, n, d = x.shape
        split = lambda t: t.reshape(b, -1, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.to_q(x)), split(self.to_k(context)), split(self.to_v(context))
        w = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads), dim=-1)
        return self.to_out((w @ v).transpose(1, 2).reshape(b, n, d))


class TransformerBlock(nn.Module):
    def __init__(self, dim, cross, heads):
        super().__init__()
        self.norm1, self.attn1 = nn.LayerNorm(dim, device=DEVICE), Attention(dim, dim, heads)
        self.norm2, self.attn2 = nn.LayerNorm(dim, device=DEVICE), Attention(dim, cross, heads)
        self.norm3, self.geglu, self.ff_out = nn.LayerNorm(dim, device=DEVICE), lin(dim, 8 * dim), lin(4 * dim, dim)

    def forward(self, x, context):
        x = x + self.attn1(self.norm1(x))
        x = x + self.attn2(self.norm2(x), context)
        h, gate = self.geglu(self.norm3(x)).chunk(2, dim=-1)
        return x + self.ff_out(h * nn.functional.gelu(gate))


class Transformer2D(nn.Module):
    def __init__(self, c, cross, heads, depth):
        super().__init__()
        self.norm, self.proj_in, self.proj_out = gn(c, 1e-6), lin(c, c), lin(c, c)
        self.blocks = nn.ModuleList(TransformerBlock(c, cross, heads) for _ in range(depth))

    def forward(self, x, context):
        b, c, h, w = x.shape
        t = self.proj_in(self.norm(x).reshape(b, c, h * w).transpose(1, 2))
        for block in self.blocks:
            t = block(t, context)
        return x + self.proj_out(t).transpose(1, 2).reshape(b, c, h, w)


class Unet(nn.Module):
    def __init__(self, a):
        super().__init__()
        ch, temb, layers = a["channels"], 4 * a["channels"][0], a["layers"]
        self.a = a
        self.time_embedding = nn.Sequential(lin(ch[0], temb), nn.SiLU(), lin(temb, temb))
        if a["sdxl"]:
            self.add_embedding = nn.Sequential(lin(6 * 256 + 1280, temb), nn.SiLU(), lin(temb, temb))
        self.conv_in = conv(4, ch[0])
        attn = lambda i, c: Transformer2D(c, a["cross"], a["heads"][i], a["depth"][i]) if a["depth"][i] else None
        self.down, prev = nn.ModuleList(), ch[0]
        for i, c in enumerate(ch):
            block = nn.ModuleDict()
            block["resnets"] = nn.ModuleList(Resnet(prev if j == 0 else c, c, temb) for j in range(layers))
            block["attentions"] = nn.ModuleList(attn(i, c) or nn.Identity() for _ in range(layers))
            if i < len(ch) - 1:
                block["down"] = conv(c, c, 3, 2)
            self.down.append(block)
            prev = c
        self.mid = nn.ModuleList([Resnet(ch[-1], ch[-1], temb), Transformer2D(ch[-1], a["cross"], a["heads"][-1], max(a["depth"][-1], 1)), Resnet(ch[-1], ch[-1], temb)])
        self.up, rev, prev = nn.ModuleList(), list(reversed(ch)), ch[-1]
        for i, c in enumerate(rev):
            skip_in = rev[min(i + 1, len(ch) - 1)]
            block = nn.ModuleDict()
            block["resnets"] = nn.ModuleList(Resnet((prev if j == 0 else c) + (skip_in if j == layers else c), c, temb) for j in range(layers + 1))
            k = len(ch) - 1 - i
            block["attentions"] = nn.ModuleList(attn(k, c) or nn.Identity() for _ in range(layers + 1))
            if i < len(ch) - 1:
                block["up"] = conv(c, c)
            self.up.append(block)
            prev = c
        self.norm_out, self.conv_out = gn(ch[0]), conv(ch[0], 4)

    def forward(self, sample, timestep, encoder_hidden_states, text_embeds=None, time_ids=None):
        b = sample.shape[0]
        emb = self.time_embedding(sinusoid(timestep.reshape(-1).expand(b), self.a["channels"][0]))
        if self.a["sdxl"]:
            ids = sinusoid(time_ids.reshape(-1), 256).reshape(b, -1)
            emb = emb + self.add_embedding(torch.cat([text_embeds, ids], dim=-1))
        apply = lambda layer, h: h if isinstance(layer, nn.Identity) else layer(h, encoder_hidden_states)
        h = self.conv_in(sample)
        skips = [h]
        for block in self.down:
            for resnet, attention in zip(block["resnets"], block["attentions"]):
                h = apply(attention, resnet(h, emb))
                skips.append(h)
            if "down" in block:
                h = block["down"](h)
                skips.append(h)
        h = self.mid[2](self.mid[1](self.mid[0](h, emb), encoder_hidden_states), emb)
        for block in self.up:
            for resnet, attention in zip(block["resnets"], block["attentions"]):
                h = apply(attention, resnet(torch.cat([h, skips.pop()], dim=1), emb))
            if "up" in block:
                h = block["up"](nn.functional.interpolate(h, scale_factor=2.0, mode="nearest"))
        return self.conv_out(nn.functional.silu(self.norm_out(h)))


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
    import onnx

    torch.manual_seed(0)
    os.makedirs(out, exist_ok=True)
    put = lambda rel, obj: (os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True), open(os.path.join(out, rel), "w").write(json.dumps(obj, indent=2)))
    s, widths = a["sample"], ([768, 1280] if a["sdxl"] else [a["cross"]])
    unet = Unet(a).eval()
    args = [torch.randn(2, 4, s, s), torch.tensor(500, dtype=torch.int64), torch.randn(2, 77, a["cross"])]
    names = ["sample", "timestep", "encoder_hidden_states"]
    dynamic = {"sample": {0: "batch_size", 2: "height", 3: "width"}, "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"}, "out_sample": {0: "batch_size", 2: "height", 3: "width"}}
    if a["sdxl"]:
        args += [torch.randn(2, 1280), torch.tensor([[1024.0, 1024, 0, 0, 1024, 1024]] * 2)]
        names += ["text_embeds", "time_ids"]
        dynamic.update({"text_embeds": {0: "batch_size"}, "time_ids": {0: "batch_size"}})
    os.makedirs(os.path.join(out, "unet"), exist_ok=True)
    raw = os.path.join(out, "unet", "raw", "model.onnx")
    os.makedirs(os.path.dirname(raw), exist_ok=True)
    with torch.no_grad():
        export(unet, tuple(args), names, dynamic, raw, ["out_sample"])
    del unet
    model = onnx.load(raw)
    onnx.save(model, os.path.join(out, "unet", "model.onnx"), save_as_external_data=True, all_tensors_to_one_file=True, location="model.onnx_data")
    for f in os.listdir(os.path.dirname(raw)):
        os.remove(os.path.join(os.path.dirname(raw), f))
    os.rmdir(os.path.dirname(raw))
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
        global DEVICE
        DEVICE = "meta"
        count = sum(p.numel() for p in Unet(a).parameters())
        print(f"{args.arch}: {count:,} parameters" + (f" (real model: {a['params']:,})" if a["params"] else ""))
        raise SystemExit(0 if a["params"] in (None, count) else 1)
    if not args.out:
        parser.error("--out PACK is required unless --check")
    build(a, args.out)
    print(f"wrote {args.out}; copy a CLIP tokenizer folder in as tokenizer/ (and tokenizer_2/ for SDXL), then: kiln models measure {args.out}")


if __name__ == "__main__":
    main()
