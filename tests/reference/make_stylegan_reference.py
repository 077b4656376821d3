"""Reference tensors for the StyleGAN port's parity test (tests/GanCourse.Tests/StyleGanTests.cs).

Runs lecture 004's own StyleGAN code (the "run StyleGAN" cell, read verbatim from the seed text) under PyTorch
(tested with Debian's PyTorch 1.13: /usr/bin/python3 tests/reference/make_stylegan_reference.py [seed-file]) and
writes, for a 32 px and a 128 px (fused upscale path) generator with few feature maps:
  stylegan{R}_params.pt  every state-dict entry with fewer than 2048 numbers (random values, so nothing is 0 or 1)
  stylegan{R}_io.pt      z, the fixed noise inputs noise0.., w = g_mapping(z)[:, 0], img = model(z),
                         avg_latent and img_trunc = g_synthesis(Truncation(avg_latent)(g_mapping(z)))
Entries with 2048 numbers or more (the 8 mapping matrices of 512 x 512 alone are 8 MB) are not stored: both sides
fill them from the same integer hash (fill_hashed), which keeps the files small.
"""
import glob
import sys
from collections import OrderedDict
import numpy as np
import torch
import torch.nn as nn

HASHED_MIN_NUMEL = 2048


def seed_code(path):
    text = open(path, encoding="utf-8").read()
    start = text.index("#@title run StyleGAN")
    end = text.index("Подгрузим веса", start)
    return text[start:end]


def key_offset(key):
    return sum((i + 1) * ord(c) for i, c in enumerate(key)) % 1000003


def fill_hashed(key, shape, std):
    """(2u - 1) * sqrt(3) * std with u = ((i + offset(key)) * 2654435761 mod 2^32) / 2^32: mean 0, std `std`."""
    n = int(np.prod(shape))
    idx = torch.arange(n, dtype=torch.int64) + key_offset(key)
    v = (idx * 2654435761) % 4294967296
    u = v.double() / 4294967296.0
    return ((2 * u - 1) * (3 ** 0.5) * std).float().view(*shape)


def main():
    seed_file = sys.argv[1] if len(sys.argv) > 1 else glob.glob("/work/shared/seeds/004_*.txt")[0]
    out = sys.argv[2] if len(sys.argv) > 2 else "tests/reference/stylegan"
    ns = {"torch": torch, "nn": nn, "np": np}
    exec(compile(seed_code(seed_file), seed_file, "exec"), ns)
    import os
    os.makedirs(out, exist_ok=True)

    for res, fmap_base, fmap_max, batch in [(32, 64, 16, 3), (128, 256, 8, 1)]:
        torch.manual_seed(res)
        model = nn.Sequential(OrderedDict([
            ("g_mapping", ns["G_mapping"]()),
            ("g_synthesis", ns["G_synthesis"](resolution=res, fmap_base=fmap_base, fmap_max=fmap_max)),
        ]))
        small = OrderedDict()
        with torch.no_grad():
            for key, t in model.state_dict().items():
                if key.endswith("intermediate.kernel"):
                    small[key] = t.clone()          # the blur buffer as the seed builds it
                    continue
                std = 100.0 if key.startswith("g_mapping") and key.endswith("weight") else 1.0  # stored std = 1/lrmul
                if t.numel() >= HASHED_MIN_NUMEL:
                    t.copy_(fill_hashed(key, t.shape, std))
                    continue
                if key.startswith("g_mapping"):
                    t.copy_(torch.randn_like(t) * 10)          # x b_mul 0.01 -> 0.1
                elif key.endswith("noise.weight"):
                    t.copy_(torch.randn_like(t) * 0.3)
                elif key.endswith("bias"):
                    t.copy_(torch.randn_like(t) * 0.2)
                else:
                    t.copy_(torch.randn_like(t))
                small[key] = t.clone()
        model.eval()
        z = torch.randn(batch, 512)
        noise_layers = [m for m in model.modules() if isinstance(m, ns["NoiseLayer"])]
        io = OrderedDict(z=z)
        for i, layer in enumerate(noise_layers):
            size = 4 * 2 ** (i // 2)
            layer.noise = torch.randn(batch, 1, size, size)
            io["noise%d" % i] = layer.noise
        with torch.no_grad():
            w = model.g_mapping(z)
            img = model(z)
            avg_latent = model.g_mapping(torch.randn(64, 512))[:, 0].mean(0)
            trunc = ns["Truncation"](avg_latent, max_layer=8, threshold=0.7)
            img_trunc = model.g_synthesis(trunc(w))
        io.update(w=w[:, 0].contiguous(), img=img, avg_latent=avg_latent, img_trunc=img_trunc)
        torch.save(small, "%s/stylegan%d_params.pt" % (out, res))
        torch.save(io, "%s/stylegan%d_io.pt" % (out, res))
        print("%d px: %d entries stored, %d hashed; img %s, std %.3f, |img| max %.3f" % (
            res, len(small), len(model.state_dict()) - len(small), tuple(img.shape), img.std().item(), img.abs().max().item()))


if __name__ == "__main__":
    main()
