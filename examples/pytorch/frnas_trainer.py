#!/usr/bin/env python3
"""frnas reference PyTorch trainer: one trial of the FR-NAS DPN search, spoken through frnas's command-trial
protocol (docs/command-trials.md).

    frnas search --space frnas-dpn --objectives error,rank_disparity --out study \\
      --command "/usr/bin/python3 examples/pytorch/frnas_trainer.py --data ../shared/data/lfw_train --min-images 5 \\
                 --eval-data ../shared/data/lfw_balanced --image-size 32"

It reads the trial (configuration, budget in epochs, checkpoint folder, seed) from FRNAS_TRIAL_FILE, continues
from the lineage's checkpoint when there is one (a promotion trains only the extra epochs), trains the DPN cell
of the configuration (edge1..3 = operation 0-8 as in lib/models/dpn.ts) with the configuration's head (CosFace,
ArcFace, MagFace) and optimizer (SGD, Adam, AdamW), evaluates it FR-NAS's way (flip-sum embeddings,
rank-by-identity, the six figures: frnas_metrics.py) and prints `frnas:{...}` lines. On real faces give
`--recipe recommended` (the built-in trainer's recipe: crop 0.3, min images 2, batch 16, head s 16 m 0.1,
cross-entropy, 1 warm-up epoch, seeded augmentation; docs/command-trials.md). Torch only (plus Pillow,
which Debian's python3-torch brings, to decode images). CUDA when torch has it.
"""
import argparse
import csv
import hashlib
import json
import math
import os
import random
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from frnas_metrics import evaluate_embeddings, rankable_images  # noqa: E402

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.pgm')


def report(line):
    """One protocol line on stdout (flushed: frnas reads it as it comes)."""
    sys.stdout.write('frnas:' + json.dumps(line) + '\n')
    sys.stdout.flush()


# ---------------------------------------------------------------- data: the folder + attributes.csv layout


def read_folder(root, group_column=None):
    """[(path, identity, group)] of a folder data set: <root>/attributes.csv (first column the identity), images in
    <root>/images/<identity>/ or <root>/<identity>/ (docs/data.md)."""
    with open(os.path.join(root, 'attributes.csv'), newline='', encoding='utf-8-sig') as f:
        rows = list(csv.reader(f))
    header, rows = [h.strip() for h in rows[0]], [[c.strip() for c in r] for r in rows[1:] if r]
    column = header.index(group_column) if group_column else 1
    groups = {r[0]: r[column] for r in rows}
    base = os.path.join(root, 'images') if os.path.isdir(os.path.join(root, 'images')) else root
    items = []
    for identity in sorted(groups):
        folder = os.path.join(base, identity)
        if not os.path.isdir(folder):
            raise SystemExit(f'{root}/attributes.csv names {identity}, which has no folder {folder}')
        for name in sorted(os.listdir(folder)):
            if name.lower().endswith(IMAGE_SUFFIXES):
                items.append((os.path.join(folder, name), identity, groups[identity]))
    return items


def load_images(items, size, channels, center, cache_dir):
    """Decoded, centre-cropped, resized images as a [n, c, size, size] float tensor in [-1, 1] (cached on disk)."""
    key = hashlib.sha256(json.dumps([[p for p, _, _ in items], size, channels, center]).encode()).hexdigest()[:16]
    cache = os.path.join(cache_dir, f'images-{key}.pt') if cache_dir else None
    if cache and os.path.exists(cache):
        return torch.load(cache)
    from PIL import Image

    out = torch.empty((len(items), channels, size, size), dtype=torch.float32)
    for i, (path, _, _) in enumerate(items):
        with Image.open(path) as image:
            image = image.convert('L' if channels == 1 else 'RGB')
            w, h = image.size
            cw, ch = w * center, h * center
            image = image.crop((round((w - cw) / 2), round((h - ch) / 2), round((w + cw) / 2), round((h + ch) / 2)))
            image = image.resize((size, size), Image.BILINEAR)
            data = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8).float()
            out[i] = data.view(size, size, channels).permute(2, 0, 1) / 127.5 - 1
    if cache:
        os.makedirs(cache_dir, exist_ok=True)
        # A temporary file of its own: trials started together decode the same images and write the same cache, and
        # a shared temporary name let one trial's rename take the other's file away (FileNotFoundError).
        fd, temporary = tempfile.mkstemp(prefix=os.path.basename(cache) + '.', suffix='.tmp', dir=cache_dir)
        os.close(fd)
        try:
            torch.save(out, temporary)
            os.replace(temporary, cache)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    return out


# ---------------------------------------------------------------- the FR-NAS DPN (lib/models/dpn.ts)

# Operation index -> (kind, kernel): 0-2 BN-ReLU-conv, 3-5 conv, 6-8 conv-BN-ReLU, kernels 3, 1, 5 in each group.
OPERATIONS = [('bnReluConv', 3), ('bnReluConv', 1), ('bnReluConv', 5), ('conv', 3), ('conv', 1), ('conv', 5),
              ('convBnRelu', 3), ('convBnRelu', 1), ('convBnRelu', 5)]

SCALES = {
    'tiny': dict(stem=16, stem_kernel=3, stem_stride=1, k_r=16, groups=4, inc=(4, 8, 8, 16), bw=(16, 32, 64, 128), embedding=64),
    'small': dict(stem=32, stem_kernel=3, stem_stride=1, k_r=32, groups=8, inc=(8, 16, 16, 32), bw=(32, 64, 128, 256), embedding=128),
    'paper': dict(stem=128, stem_kernel=7, stem_stride=2, k_r=200, groups=50, inc=(20, 64, 64, 128), bw=(256, 512, 1024, 2048), embedding=512),
}


class Operation(nn.Module):
    def __init__(self, index, cin, cout, stride, groups):
        super().__init__()
        self.kind, kernel = OPERATIONS[index]
        self.conv = nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False)
        if self.kind == 'bnReluConv':
            self.bn = nn.BatchNorm2d(cin)
        elif self.kind == 'convBnRelu':
            self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        if self.kind == 'bnReluConv':
            return self.conv(F.relu(self.bn(x)))
        if self.kind == 'conv':
            return self.conv(x)
        return F.relu(self.bn(self.conv(x)))


class DualPathBlock(nn.Module):
    """Residual = shortcut residual + first `bandwidth` channels of slot c; dense = concat(shortcut dense, the rest)."""

    def __init__(self, cell, cin, middle, bandwidth, increment, groups, kind):
        super().__init__()
        stride = 2 if kind == 'down' else 1
        self.bandwidth = bandwidth
        self.projection = None
        if kind != 'normal':
            self.projection = nn.Sequential(nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, bandwidth + 2 * increment, 1, stride, bias=False))
        self.a = Operation(cell[0], cin, middle, 1, 1)
        self.b = Operation(cell[1], middle, middle, stride, groups)
        self.c = Operation(cell[2], middle, bandwidth + increment, 1, 1)

    def forward(self, state):
        x = state if torch.is_tensor(state) else torch.cat(state, 1)
        if self.projection is not None:
            s = self.projection(x)
            residual, dense = s[:, :self.bandwidth], s[:, self.bandwidth:]
        else:
            residual, dense = state
        h = self.c(self.b(self.a(x)))
        return residual + h[:, :self.bandwidth], torch.cat([dense, h[:, self.bandwidth:]], 1)


class Dpn(nn.Module):
    """Stem, four stages of one dual-path block sharing the cell, BN-ReLU, global average pool, linear + BN embedding."""

    def __init__(self, cell, channels, scale):
        super().__init__()
        s = SCALES[scale]
        self.stem = nn.Sequential(nn.Conv2d(channels, s['stem'], s['stem_kernel'], s['stem_stride'], s['stem_kernel'] // 2, bias=False),
                                  nn.BatchNorm2d(s['stem']), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], s['stem']
        for stage in range(4):
            bandwidth, increment = s['bw'][stage], s['inc'][stage]
            middle = round(s['k_r'] * bandwidth / s['bw'][0])
            blocks.append(DualPathBlock(cell, cin, middle, bandwidth, increment, s['groups'], 'proj' if stage == 0 else 'down'))
            cin = bandwidth + 3 * increment
        self.blocks = nn.ModuleList(blocks)
        self.final_bn = nn.BatchNorm2d(cin)
        self.embedding = nn.Linear(cin, s['embedding'], bias=False)
        self.embedding_bn = nn.BatchNorm1d(s['embedding'])
        self.embedding_size = s['embedding']

    def forward(self, x):
        state = self.stem(x)
        for block in self.blocks:
            state = block(state)
        h = F.relu(self.final_bn(torch.cat(state, 1)))
        return self.embedding_bn(self.embedding(h.mean(dim=(2, 3))))


# ---------------------------------------------------------------- heads (lib/models/heads.ts) and loss


class MarginHead(nn.Module):
    """CosFace s 64 m 0.35; ArcFace s 64 m 0.5 (easy_margin false fallback); MagFace s 32, norms 10-110, margins 0.45-0.8, lambda 20."""

    def __init__(self, name, embedding_size, classes, scale=None, margin=None):
        super().__init__()
        self.name = name
        self.weight = nn.Parameter(torch.empty(embedding_size, classes))
        nn.init.xavier_normal_(self.weight)
        self.s = scale or (32.0 if name == 'MagFace' else 64.0)
        self.m = margin if margin is not None else {'CosFace': 0.35, 'ArcFace': 0.5}.get(name, 0.0)

    @staticmethod
    def angular(cos_y, m):
        sin = (1 - cos_y ** 2).clamp(1e-12, 1).sqrt()
        phi = cos_y * torch.cos(m) - sin * torch.sin(m)
        fallback = cos_y - m * torch.sin(math.pi - m)
        return torch.where(cos_y > torch.cos(math.pi - m), phi, fallback)

    def forward(self, embeddings, labels):
        cos = F.normalize(embeddings, dim=1) @ F.normalize(self.weight, dim=0)
        cos_y = cos.gather(1, labels[:, None]).squeeze(1)
        regularizer = embeddings.new_zeros(())
        if self.name == 'CosFace':
            target = cos_y - self.m
        elif self.name == 'ArcFace':
            target = self.angular(cos_y, torch.full_like(cos_y, self.m))
        else:
            a = embeddings.norm(dim=1).clamp(10, 110)
            target = self.angular(cos_y, 0.45 + (a - 10) * (0.8 - 0.45) / (110 - 10))
            regularizer = 20 * (a / 110 ** 2 + 1 / a).mean()
        logits = cos + F.one_hot(labels, cos.shape[1]) * (target - cos_y)[:, None]
        return logits * self.s, regularizer


def focal_loss(logits, labels, gamma=2.0):
    log_p = F.log_softmax(logits, dim=1).gather(1, labels[:, None]).squeeze(1)
    return (-((1 - log_p.exp()).clamp(0, 1) ** gamma) * log_p).mean()


# ---------------------------------------------------------------- recipe, augmentation, schedule (lib/train)

# RECOMMENDED_FACE_TRAINING of lib/train/run.ts (docs/trainer.md): the built-in trainer's real-face recipe.
RECOMMENDED = {'center_crop': 0.3, 'min_images': 2, 'batch_size': 16, 'head_scale': 16.0, 'head_margin': 0.1,
               'loss': 'crossEntropy', 'warmup_epochs': 1.0,
               'augment': {'shift': 0.06, 'scale': 0.1, 'rotate': 8.0, 'brightness': 0.1, 'contrast': 0.2}}
# What each flag is without a recipe (the trainer's earlier behaviour; head scale/margin None = the head's own).
PLAIN = {'center_crop': 1.0, 'min_images': 1, 'batch_size': 64, 'head_scale': None, 'head_margin': None,
         'loss': 'focal', 'warmup_epochs': 0.0, 'augment': {}}
AUGMENT_LIMITS = {'shift': 0.5, 'scale': 0.9, 'rotate': 180.0, 'brightness': 1.0, 'contrast': 1.0}


def augment_option(text):
    """`shift=0.06,rotate=8,...`, `none` or `recommended` (as frnas's --augment)."""
    if text == 'none':
        return {}
    if text == 'recommended':
        return dict(RECOMMENDED['augment'])
    settings = {}
    for pair in text.split(','):
        key, _, value = pair.partition('=')
        key = key.strip()
        if key not in AUGMENT_LIMITS:
            raise argparse.ArgumentTypeError(f'"{pair}": no augmentation setting "{key}" (expected {", ".join(AUGMENT_LIMITS)})')
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f'"{pair}" is not key=number (e.g. shift=0.06,rotate=8)') from None
        if not 0 <= number <= AUGMENT_LIMITS[key]:
            raise argparse.ArgumentTypeError(f'{key} must be in [0, {AUGMENT_LIMITS[key]:g}], got {value}')
        settings[key] = number
    return settings


def epoch_generator(seed, epoch, stream):
    """A torch generator that is a pure function of (seed, epoch, stream): an epoch's order, flips and augmentation do
    not depend on the epochs before it, so a run continued from its checkpoint at epoch k equals a straight one."""
    digest = hashlib.sha256(f'{seed}/{stream}/{epoch}'.encode()).digest()
    return torch.Generator().manual_seed(int.from_bytes(digest[:8], 'little') & ((1 << 63) - 1))


def draw_transforms(n, settings, generator):
    """[n, 6] uniform draws in [-1, 1] scaled to (zoom, angle, tx, ty, brightness, contrast) as lib/train/face-arrays.ts."""
    u = torch.rand((n, 6), generator=generator) * 2 - 1
    get = lambda key: settings.get(key, 0.0)  # noqa: E731
    return {'zoom': 1 + u[:, 0] * get('scale'), 'angle': u[:, 1] * get('rotate') * math.pi / 180,
            'tx': u[:, 2] * get('shift'), 'ty': u[:, 3] * get('shift'),
            'brightness': u[:, 4] * get('brightness'), 'contrast': 1 + u[:, 5] * get('contrast')}


def augment_batch(x, t):
    """Shift/zoom/rotate about the centre (affine_grid + bilinear grid_sample, edges replicated), then contrast about
    each image's mean and brightness, clamped to [-1, 1]. Pixels here span [-1, 1], twice the built-in's [0, 1], so
    shifts (a fraction of the side) and brightness double in normalised units."""
    cos, sin = torch.cos(t['angle']) / t['zoom'], torch.sin(t['angle']) / t['zoom']
    # theta maps output to source coordinates in [-1, 1] (align_corners: the corner pixel centres).
    theta = torch.stack([torch.stack([cos, -sin, 2 * t['tx']], 1), torch.stack([sin, cos, 2 * t['ty']], 1)], 1)
    grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=True)
    x = F.grid_sample(x, grid, mode='bilinear', padding_mode='border', align_corners=True)
    mean = x.mean(dim=(2, 3), keepdim=True)
    x = (x - mean) * t['contrast'][:, None, None, None] + mean + 2 * t['brightness'][:, None, None, None]
    return x.clamp(-1, 1)


def learning_rate_at(lr, t, warmup_epochs, max_epochs, floor=1e-6):
    """lib/train/schedules.ts learningRateAt for cosine: linear warm-up from 1e-6, then cosine to 1e-6 (per step)."""
    if t < warmup_epochs:
        return floor + (lr - floor) * t / warmup_epochs
    progress = min(1.0, (t - warmup_epochs) / max(1e-12, max_epochs - warmup_epochs))
    return floor + 0.5 * (lr - floor) * (1 + math.cos(math.pi * progress))


# ---------------------------------------------------------------- one trial


def embed(model, images, device, batch_size=256):
    """FR-NAS's embedding: model(x) + model(flipped x), BatchNorm in inference mode."""
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            x = images[start:start + batch_size].to(device)
            out.append((model(x) + model(torch.flip(x, dims=[3]))).cpu())
    return torch.cat(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', required=True, help='training folder (attributes.csv + images/<identity>/)')
    parser.add_argument('--eval-data', help='evaluation folder (other people); default: every 5th identity of --data is held out')
    parser.add_argument('--group-column', help='attributes.csv column of the fairness groups (default the second column)')
    parser.add_argument('--recipe', choices=['recommended'], help='the built-in trainer\'s real-face recipe (docs/trainer.md): crop 0.3, '
                        'min images 2, batch 16, head scale 16 margin 0.1, cross-entropy, 1 warm-up epoch, augmentation; '
                        'flags given explicitly win')
    parser.add_argument('--min-images', type=int, help='train only on identities with at least this many images (default 1)')
    parser.add_argument('--image-size', type=int, default=32)
    parser.add_argument('--channels', type=int, default=1, choices=[1, 3])
    parser.add_argument('--center-crop', type=float, help='keep this central fraction of each side before resizing (default 1)')
    parser.add_argument('--scale', default='tiny', choices=sorted(SCALES))
    parser.add_argument('--batch-size', type=int, help='default 64')
    parser.add_argument('--head-scale', type=float, help='margin head scale s (default CosFace/ArcFace 64, MagFace 32)')
    parser.add_argument('--head-margin', type=float, help='CosFace/ArcFace margin m (default 0.35 / 0.5)')
    parser.add_argument('--loss', choices=['focal', 'crossEntropy'], help='default focal (FR-NAS)')
    parser.add_argument('--warmup-epochs', type=float, help='linear learning-rate warm-up before the cosine (default 0)')
    parser.add_argument('--augment', type=augment_option, help='shift=0.06,scale=0.1,rotate=8,brightness=0.1,contrast=0.2, '
                        'none (default) or recommended; drawn from (seed, epoch)')
    parser.add_argument('--max-epochs', type=int, help='epochs of the learning-rate schedule (default the trial budget; give the search\'s --max-epochs)')
    parser.add_argument('--max-steps', type=int, help='stop each epoch after this many batches (smoke tests)')
    parser.add_argument('--max-identities', type=int, help='use only the first n identities of each folder (smoke tests)')
    parser.add_argument('--threads', type=int, help='torch CPU threads')
    parser.add_argument('--cache-dir', default=os.path.join(os.path.expanduser('~'), '.cache', 'frnas-pytorch'), help="decoded images ('' for none)")
    parser.add_argument('--config', help='JSON configuration when run without frnas (no FRNAS_TRIAL_FILE)')
    parser.add_argument('--budget', type=int, help='epochs when run without frnas')
    parser.add_argument('--checkpoint-dir', help='checkpoint folder when run without frnas')
    parser.add_argument('--seed', type=int, default=0, help='seed when run without frnas (default 0; frnas sends each trial\'s own)')
    args = parser.parse_args()
    # A flag given wins; otherwise the recipe's value; otherwise the plain default.
    for key, plain in PLAIN.items():
        if getattr(args, key) is None:
            setattr(args, key, RECOMMENDED[key] if args.recipe == 'recommended' else plain)
    for key, value in (('--batch-size', args.batch_size), ('--min-images', args.min_images)):
        if value < 1:
            raise SystemExit(f'{key} must be a positive integer, got {value}')
    if not 0 < args.center_crop <= 1:
        raise SystemExit(f'--center-crop must be in (0, 1], got {args.center_crop}')
    if args.warmup_epochs < 0:
        raise SystemExit(f'--warmup-epochs must be >= 0, got {args.warmup_epochs}')
    if args.head_scale is not None and args.head_scale <= 0:
        raise SystemExit(f'--head-scale must be positive, got {args.head_scale}')

    if os.environ.get('FRNAS_TRIAL_FILE'):
        with open(os.environ['FRNAS_TRIAL_FILE']) as f:
            trial = json.load(f)
    else:
        if not (args.config and args.budget and args.checkpoint_dir):
            raise SystemExit('without FRNAS_TRIAL_FILE give --config, --budget and --checkpoint-dir')
        os.makedirs(args.checkpoint_dir, exist_ok=True)
        trial = {'config': json.loads(args.config), 'budget': args.budget, 'checkpointDir': args.checkpoint_dir, 'seed': args.seed}
    config, budget = trial['config'], int(round(trial['budget']))
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    seed = int(trial.get('seed', 0))
    random.seed(seed)
    torch.manual_seed(seed)

    started = time.perf_counter()
    items = read_folder(args.data, args.group_column)
    if args.max_identities:
        keep = sorted({identity for _, identity, _ in items})[:args.max_identities]
        items = [item for item in items if item[1] in set(keep)]
    if args.eval_data:
        evaluation = read_folder(args.eval_data, args.group_column)
        if args.max_identities:
            keep = set(sorted({identity for _, identity, _ in evaluation})[:args.max_identities])
            evaluation = [item for item in evaluation if item[1] in keep]
        overlap = {i for _, i, _ in items} & {i for _, i, _ in evaluation}
        if overlap:
            raise SystemExit(f'{len(overlap)} identities are in both --data and --eval-data (e.g. {sorted(overlap)[0]}): evaluation must be on other people')
    else:
        identities = sorted({identity for _, identity, _ in items})
        held_out = set(identities[4::5])
        evaluation = [item for item in items if item[1] in held_out]
        items = [item for item in items if item[1] not in held_out]
    counts = {}
    for _, identity, _ in items:
        counts[identity] = counts.get(identity, 0) + 1
    items = [item for item in items if counts[item[1]] >= args.min_images]
    classes = {identity: k for k, identity in enumerate(sorted({identity for _, identity, _ in items}))}
    cache = args.cache_dir or None
    train_x = load_images(items, args.image_size, args.channels, args.center_crop, cache)
    train_y = torch.tensor([classes[identity] for _, identity, _ in items])
    eval_x = load_images(evaluation, args.image_size, args.channels, args.center_crop, cache)
    load_seconds = time.perf_counter() - started

    cell = [int(config['edge1']), int(config['edge2']), int(config['edge3'])]
    model = Dpn(cell, args.channels, args.scale).to(device)
    head = MarginHead(config.get('head', 'CosFace'), model.embedding_size, len(classes), args.head_scale, args.head_margin).to(device)
    parameters = list(model.parameters()) + list(head.parameters())
    name = config.get('optimizer', 'Adam')
    if name == 'SGD':
        lr = float(config.get('lr_sgd', config.get('lr', 0.1)))
        optimizer = torch.optim.SGD(parameters, lr=lr, momentum=0.9, weight_decay=1e-4)
    else:
        lr = float(config.get('lr_adam', config.get('lr', 1e-3)))
        optimizer = (torch.optim.AdamW if name == 'AdamW' else torch.optim.Adam)(parameters, lr=lr, weight_decay=1e-4)
    schedule_epochs = args.max_epochs or budget

    # Continue the lineage: a promotion (or a re-run after a crash) starts where the checkpoint stopped.
    checkpoint = os.path.join(trial['checkpointDir'], 'model.pt')
    done = 0
    if os.path.exists(checkpoint):
        state = torch.load(checkpoint, map_location=device)
        model.load_state_dict(state['model'])
        head.load_state_dict(state['head'])
        optimizer.load_state_dict(state['optimizer'])
        done = state['epoch']
    resumed_from = done

    train_seconds, images_seen = 0.0, 0
    augmenting = any(v > 0 for v in args.augment.values())
    steps_per_epoch = math.ceil(len(train_x) / args.batch_size)
    for epoch in range(done + 1, budget + 1):
        model.train()
        head.train()
        # Warm-up then cosine over the schedule's epochs, per step, from where the lineage stands.
        epoch_start = time.perf_counter()
        generator = epoch_generator(seed, epoch, 'batches')
        order = torch.randperm(len(train_x), generator=generator)
        flips = torch.rand(len(train_x), generator=generator) < 0.5
        transforms = draw_transforms(len(train_x), args.augment, epoch_generator(seed, epoch, 'augment')) if augmenting else None
        total, batches = 0.0, 0
        for step in range(steps_per_epoch):
            if args.max_steps and step >= args.max_steps:
                break
            t = epoch - 1 + step / steps_per_epoch
            for group in optimizer.param_groups:
                group['lr'] = learning_rate_at(lr, t, args.warmup_epochs, schedule_epochs)
            positions = torch.arange(step * args.batch_size, min((step + 1) * args.batch_size, len(train_x)))
            index = order[positions]
            x, y = train_x[index], train_y[index]
            x = torch.where(flips[positions][:, None, None, None], torch.flip(x, dims=[3]), x)
            if transforms is not None:
                x = augment_batch(x, {k: v[positions] for k, v in transforms.items()})
            x, y = x.to(device), y.to(device)
            logits, regularizer = head(model(x), y)
            loss = (focal_loss(logits, y) if args.loss == 'focal' else F.cross_entropy(logits, y)) + regularizer
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            batches += 1
            images_seen += len(x)
        seconds = time.perf_counter() - epoch_start
        train_seconds += seconds
        state = {'epoch': epoch, 'model': model.state_dict(), 'head': head.state_dict(), 'optimizer': optimizer.state_dict()}
        torch.save(state, checkpoint + '.tmp')
        os.replace(checkpoint + '.tmp', checkpoint)
        report({'epoch': epoch, 'values': {'loss': total / max(batches, 1)}, 'seconds': seconds,
                'images_per_second': batches * args.batch_size / seconds if seconds > 0 else 0})

    eval_start = time.perf_counter()
    embeddings = embed(model, eval_x, device)
    if not torch.isfinite(embeddings).all():
        raise SystemExit('the model diverged: its embeddings are not finite')
    eval_identities = [i for _, i, _ in evaluation]
    eval_groups = [g for _, _, g in evaluation]
    ranks, metrics = evaluate_embeddings(embeddings, eval_identities, eval_groups)
    eval_seconds = time.perf_counter() - eval_start
    # Per-image ranks beside the checkpoint (frnas's RankedImages layout), so that two models evaluated on the same
    # images can be compared pairwise (pairedBootstrapDifference, benchmarks/lfw-paired.ts).
    kept = rankable_images(eval_identities)
    ranking_file = os.path.join(trial['checkpointDir'], 'ranking.json')
    with open(ranking_file + '.tmp', 'w') as out:
        json.dump({'ranks': [int(r) for r in ranks], 'identities': [eval_identities[i] for i in kept],
                   'groups': [eval_groups[i] for i in kept]}, out)
    os.replace(ranking_file + '.tmp', ranking_file)
    report({
        'final': True,
        'values': {k: metrics[k] for k in ('error', 'disparity', 'rank_disparity', 'ratio', 'rank_ratio', 'error_ratio', 'mean_rank')},
        'attributes': {
            'accuracy': metrics['accuracy'], 'evaluated_images': metrics['count'], 'per_group': metrics['per_group'],
            'ranking_file': ranking_file, 'resumed_from': resumed_from, 'epochs_trained': budget - resumed_from if budget > resumed_from else 0,
            'images_per_second': images_seen / train_seconds if train_seconds > 0 else None,
            'train_seconds': train_seconds, 'eval_seconds': eval_seconds, 'load_seconds': load_seconds,
            # The backbone's (as the built-in trainer's trainableParameters): what --max-params constrains.
            'trainable_parameters': sum(p.numel() for p in model.parameters() if p.requires_grad),
            'device': str(device), 'training_images': len(train_x), 'classes': len(classes), 'torch': torch.__version__,
            'training': {'recipe': args.recipe, 'center_crop': args.center_crop, 'min_images': args.min_images,
                         'batch_size': args.batch_size, 'head_scale': head.s, 'head_margin': head.m, 'loss': args.loss,
                         'warmup_epochs': args.warmup_epochs, 'augment': args.augment, 'schedule_epochs': schedule_epochs},
        },
    })


if __name__ == '__main__':
    main()
