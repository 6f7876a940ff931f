"""FR-NAS's evaluation in PyTorch, computed the way frnas's lib/fairness computes it.

rank_by_identity: leave-one-out over one evaluation set; an image's rank is the number of distinct other
identities whose nearest image is strictly closer (L2 between L2-normalised embeddings, i.e. larger cosine)
than the nearest other image of its own identity (0 = rank-1 correct). Every identity needs two images.

fairness_report: error, mean rank and the five disparity measures between two groups a, b: disparity
|acc_a - acc_b|, ratio |1 - acc_a/acc_b|, error_ratio |1 - err_a/err_b|, rank_disparity |rank_a - rank_b|,
rank_ratio |1 - rank_a/rank_b|; with reference groups that pair, otherwise the worst ordered pair over all
groups (ties keep the first pair in order of first appearance); a zero denominator follows safe_quotient.

Run as a script it reads {"embeddings": [[...]], "identities": [...], "groups": [...], "referenceGroups"?: [a, b]}
on stdin and prints {"ranks": [...], "metrics": {...}} (test/command/pytorch-trainer.test.ts checks it against
lib/fairness).
"""
import json
import sys
import warnings

import torch

# torch 1.13 calls scatter_reduce beta; its result is what we need, the warning would only fill trial logs.
warnings.filterwarnings('ignore', message='scatter_reduce')


def rankable_images(identities):
    """Indices of the images whose identity has at least one other image."""
    counts = {}
    for identity in identities:
        counts[identity] = counts.get(identity, 0) + 1
    return [i for i, identity in enumerate(identities) if counts[identity] >= 2]


def rank_by_identity(embeddings, identities, block_size=256):
    """rank_by_id of every image (leave-one-out); embeddings: [n, d] tensor; identities: list of labels."""
    x = embeddings.to(torch.float64)
    x = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
    codes = {}
    labels = torch.tensor([codes.setdefault(identity, len(codes)) for identity in identities], dtype=torch.long)
    n, k = x.shape[0], len(codes)
    if n and torch.bincount(labels, minlength=k).min().item() < 2:
        raise ValueError('every identity needs at least two images: keep rankable_images(identities) only')
    ranks = []
    for start in range(0, n, block_size):
        end = min(n, start + block_size)
        sim = x[start:end] @ x.T
        rows = torch.arange(end - start)
        sim[rows, rows + start] = float('-inf')  # a query never meets itself
        # Nearest image of every identity, per query: max of the similarities over that identity's images.
        nearest = torch.full((end - start, k), float('-inf'), dtype=torch.float64)
        nearest = nearest.scatter_reduce(1, labels.expand(end - start, n), sim, reduce='amax', include_self=True)
        own = labels[start:end]
        nearest_own = nearest[rows, own]
        closer = nearest > nearest_own.unsqueeze(1)
        closer[rows, own] = False
        ranks.extend(int(r) for r in closer.sum(dim=1).tolist())
    return ranks


def safe_quotient(a, b, denominator_count):
    """a / b kept finite: 0/0 is 1, and a zero b with a non-zero a uses 1 / (2 n_b) for b."""
    if b != 0:
        return a / b
    if a == 0:
        return 1.0
    return a / (1 / (2 * denominator_count))


def fairness_report(ranks, groups, reference_groups=None):
    """FR-NAS's six figures (and accuracy, mean rank, per group) from ranks and group labels."""
    names, sums = [], {}
    for rank, group in zip(ranks, groups):
        name = str(group)
        if name not in sums:
            names.append(name)
            sums[name] = [0, 0, 0]
        sums[name][0] += 1
        sums[name][1] += 1 if rank == 0 else 0
        sums[name][2] += rank
    per_group = {}
    for name in names:
        count, correct, rank_sum = sums[name]
        accuracy = correct / count
        per_group[name] = {'count': count, 'accuracy': accuracy, 'error': 1 - accuracy, 'meanRank': rank_sum / count}
    total = [sum(sums[name][i] for name in names) for i in range(3)]
    accuracy = total[1] / total[0]
    if reference_groups is not None:
        pairs, reference = [(str(reference_groups[0]), str(reference_groups[1]))], True
    else:
        if len(names) < 2:
            raise ValueError(f'groups must contain at least two different groups, got {len(names)}')
        pairs, reference = [(a, b) for a in names for b in names if a != b], False

    def worst(measure):
        best = float('-inf')
        for a, b in pairs:
            value = measure(per_group[a], per_group[b])
            if value > best:
                best = value
        return best

    return {
        'error': 1 - accuracy,
        'accuracy': accuracy,
        'mean_rank': total[2] / total[0],
        'disparity': worst(lambda a, b: abs(a['accuracy'] - b['accuracy']) if reference or a['accuracy'] >= b['accuracy'] else -1),
        'ratio': worst(lambda a, b: abs(1 - safe_quotient(a['accuracy'], b['accuracy'], b['count']))),
        'error_ratio': worst(lambda a, b: abs(1 - safe_quotient(a['error'], b['error'], b['count']))),
        'rank_disparity': worst(lambda a, b: abs(a['meanRank'] - b['meanRank']) if reference or a['meanRank'] >= b['meanRank'] else -1),
        'rank_ratio': worst(lambda a, b: abs(1 - safe_quotient(a['meanRank'], b['meanRank'], b['count']))),
        'count': total[0],
        'per_group': per_group,
    }


def evaluate_embeddings(embeddings, identities, groups, reference_groups=None):
    """Ranks the rankable images and reports the figures (frnas's evaluateEmbeddings without intervals)."""
    keep = rankable_images(identities)
    if not keep:
        raise ValueError('the evaluation set has no identity with two images; rank_by_id is undefined')
    ranks = rank_by_identity(embeddings[keep], [identities[i] for i in keep])
    return ranks, fairness_report(ranks, [groups[i] for i in keep], reference_groups)


if __name__ == '__main__':
    data = json.load(sys.stdin)
    ranks = rank_by_identity(torch.tensor(data['embeddings'], dtype=torch.float64), data['identities'])
    report = fairness_report(ranks, data['groups'], data.get('referenceGroups'))
    json.dump({'ranks': ranks, 'metrics': report}, sys.stdout)
