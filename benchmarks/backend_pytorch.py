"""The reference backbone of benchmarks/backend.ts in PyTorch (CPU): training images/s and peak RSS.

Run with Debian's python3 (python3-torch), not a pyenv python3 earlier on PATH:
    /usr/bin/python3 benchmarks/backend_pytorch.py --size 32 --seconds 20 --threads 2
Prints one line: {"result": {...}} (read by benchmarks/backend.ts).
"""
import argparse
import json
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 64
CLASSES = 100


def conv_bn(cin, cout, k, stride, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout))


class Residual(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = conv_bn(cin, cout, 3, stride)
        self.c2 = conv_bn(cout, cout, 3, 1)
        self.sc = conv_bn(cin, cout, 1, stride) if cin != cout else None

    def forward(self, x):
        y = self.c2(F.relu(self.c1(x)))
        return F.relu(y + (self.sc(x) if self.sc is not None else x))


class Reference(nn.Module):
    """stem conv3x3+BN+ReLU; residual 32->32, 32->64 (s2), 64->128 (s2); depthwise-separable 128->512 (s2);
    global average pool; 128-d embedding (linear + BN); ArcFace over 100 classes."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(3, 32, 3, 1)
        self.blocks = nn.Sequential(Residual(32, 32, 1), Residual(32, 64, 2), Residual(64, 128, 2))
        self.dw = conv_bn(128, 128, 3, 2, groups=128)
        self.pw = conv_bn(128, 512, 1, 1)
        self.emb = nn.Linear(512, 128, bias=False)
        self.emb_bn = nn.BatchNorm1d(128)
        self.arc = nn.Parameter(torch.randn(128, CLASSES) * math.sqrt(2 / 128))

    def forward(self, x, labels):
        h = F.relu(self.stem(x))
        h = self.blocks(h)
        h = F.relu(self.pw(F.relu(self.dw(h))))
        e = self.emb_bn(self.emb(h.mean((2, 3))))
        e = e / e.norm(dim=1, keepdim=True)
        w = self.arc / self.arc.norm(dim=0, keepdim=True)
        cos = (e @ w).clamp(-1 + 1e-6, 1 - 1e-6)
        target = torch.cos(torch.acos(cos) + 0.5)
        mask = F.one_hot(labels, CLASSES).float()
        logits = 30 * (mask * target + (1 - mask) * cos)
        return -(F.log_softmax(logits, 1) * mask).sum(1).mean()


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--size', type=int, default=32)
    p.add_argument('--seconds', type=float, default=20)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--steps', type=int, default=1000)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Reference()
    params = sum(q.numel() for q in model.parameters())
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.rand(BATCH, 3, a.size, a.size) * 2 - 1
    labels = torch.randint(0, CLASSES, (BATCH,))

    def step():
        opt.zero_grad()
        loss = model(x, labels)
        loss.backward()
        opt.step()
        return loss.item()

    step()  # warm-up
    steps, loss = 0, 0.0
    t0 = time.perf_counter()
    while steps < a.steps and (steps < 2 or time.perf_counter() - t0 < a.seconds):
        loss = step()
        steps += 1
    dt = time.perf_counter() - t0
    print(json.dumps({'result': {
        'backend': f'PyTorch {torch.__version__} CPU, {a.threads} threads', 'size': a.size,
        'imagesPerSec': steps * BATCH / dt, 'peakRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'steps': steps, 'params': params, 'loss': loss}}))


if __name__ == '__main__':
    main()
