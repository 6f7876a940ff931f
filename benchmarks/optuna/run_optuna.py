#!/usr/bin/python3
"""Optuna side of the frnas benchmark (docs/benchmarks.md).

Runs Optuna's RandomSampler, NSGAIISampler and TPESampler (multi-objective) on ZDT1/2/3, DTLZ2 and the FR-NAS
phase-1 table with the same seeds and total epoch budgets as `frnas bench`, and writes trials.csv with the
columns of lib/bench/records.ts, so that frnas computes every metric of both libraries with one implementation.

Optuna has no multi-objective multi-fidelity pruning, so every trial runs at the full budget: 27 epochs on the
analytic problems (where the observation equals the noiseless objective, docs/benchmark-problems.md) and the
table's 10 epochs on FR-NAS phase 1.

Needs Debian's python3-optuna (`apt-get install python3-optuna`, Optuna 3.1):
    /usr/bin/python3 benchmarks/optuna/run_optuna.py --seeds 1,2,3 --out benchmarks/results/optuna-trials.csv
"""

import argparse
import csv
import math
import os
import re
import sys

import optuna

ANALYTIC_EPOCHS = 27  # the full budget of the fidelity problems (rungs 1, 3, 9, 27)
PHASE1_EPOCHS = 10  # every row of the FR-NAS table is the result after 10 epochs
COLUMNS = ['library', 'problem', 'method', 'seed', 'trial', 'budget', 'cost_epochs', 'epochs_spent', 'finish_time',
           'status', 'objective_1', 'objective_2', 'objective_3']
SAMPLERS = {
    'RandomSampler': lambda seed: optuna.samplers.RandomSampler(seed=seed),
    'NSGAIISampler': lambda seed: optuna.samplers.NSGAIISampler(seed=seed),
    'TPESampler': lambda seed: optuna.samplers.TPESampler(seed=seed),
}
HEADS = ['ArcFace', 'CosFace', 'MagFace']
INDEX_PATTERN = re.compile(r'^(.+)_(ArcFace|CosFace|MagFace)_([A-Za-z]+)(?:_([0-9.eE+-]+)_cosine)?$')


# --- Analytic problems: the true objectives of docs/benchmark-problems.md (the observation at the full budget).

def zdt_g(x):
    return 1 + 9 * sum(x[1:]) / (len(x) - 1)


def zdt1(x):
    g = zdt_g(x)
    return [x[0], g * (1 - math.sqrt(x[0] / g))]


def zdt2(x):
    g = zdt_g(x)
    return [x[0], g * (1 - (x[0] / g) ** 2)]


def zdt3(x):
    g = zdt_g(x)
    return [x[0], g * (1 - math.sqrt(x[0] / g) - (x[0] / g) * math.sin(10 * math.pi * x[0]))]


def dtlz2(x):
    g = sum((v - 0.5) ** 2 for v in x[2:])
    a = x[0] * math.pi / 2
    b = x[1] * math.pi / 2
    return [(1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a)]


ANALYTIC = {'zdt1': (zdt1, 2), 'zdt2': (zdt2, 2), 'zdt3': (zdt3, 2), 'dtlz2': (dtlz2, 3)}


def analytic_objective(function, dimension):
    def evaluate(trial):
        x = [trial.suggest_float(f'x{i}', 0.0, 1.0) for i in range(dimension)]
        return 'ok', function(x)
    return evaluate


# --- FR-NAS phase 1: the same reading as lib/bench/problems/frnas-phase1.ts.

def read_phase1(path, disparity):
    """{(backbone, head, optimizer, setting): values or None (failed)}; one clear error per bad line."""
    entries = {}
    with open(path, newline='') as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            sys.exit(f'{path}: empty file')
        for name in ('index', 'Error', disparity):
            if name not in header:
                sys.exit(f'{path}:1: missing column "{name}"')
        at = {name: header.index(name) for name in header}
        for line, row in enumerate(reader, start=2):
            if not row or all(v.strip() == '' for v in row):
                continue
            match = INDEX_PATTERN.match(row[at['index']].strip())
            if not match:
                sys.exit(f'{path}:{line}: field "index" has an unexpected form: {row[at["index"]]!r}')
            backbone, head, optimizer, lr = match.groups()
            key = (backbone, head, optimizer.lower(), 'default' if lr is None else 'cosine')
            entry = entries.setdefault(key, [])
            error_text = row[at['Error']].strip()
            disparity_text = row[at[disparity]].strip()
            if error_text == '' and disparity_text == '':
                continue  # an empty row: a failed trial
            try:
                error, value = float(error_text), float(disparity_text)
            except ValueError:
                sys.exit(f'{path}:{line}: fields "Error" and "{disparity}" must be numbers')
            if error < 1:  # Error = 1: training diverged, a failed trial
                entry.append((error, value))
    # Repeated rows (two spellings of the optimizer) are repeated runs: their mean.
    return {key: ([sum(v[0] for v in ok) / len(ok), sum(v[1] for v in ok) / len(ok)] if ok else None)
            for key, ok in entries.items()}


def phase1_objective(table):
    penalty = [1.0, max(v[1] for v in table.values() if v is not None)]
    choices = {
        'backbone': sorted({k[0] for k in table}),
        'head': HEADS,
        'optimizer': sorted({k[2] for k in table}),
        'setting': ['default', 'cosine'],
    }

    def evaluate(trial):
        key = tuple(trial.suggest_categorical(name, choices[name]) for name in ('backbone', 'head', 'optimizer', 'setting'))
        if key not in table:
            # Optuna has no forbidden clauses: a combination the study never trained costs nothing, and Optuna is
            # told a penalty worse than every trained model (a FAIL would give TPE no feedback, and it re-proposes it).
            return 'infeasible', penalty
        values = table[key]
        return ('ok', values) if values is not None else ('failed', None)
    return evaluate


def run(problem, evaluate, objective_count, epochs, method, seed, budget, writer):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(directions=['minimize'] * objective_count, sampler=SAMPLERS[method](seed))
    spent = 0
    told = 0
    # A table proposal that does not exist costs nothing; cap them so a sampler stuck on them still ends.
    max_asks = 50 * max(1, budget // epochs)
    for _ in range(max_asks):
        if spent >= budget:
            break
        trial = study.ask()
        status, values = evaluate(trial)
        cost = 0 if status == 'infeasible' else epochs
        if status in ('ok', 'infeasible'):
            study.tell(trial, values)
        else:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        spent += cost
        objectives = (values if status == 'ok' else []) + [''] * (3 - (objective_count if status == 'ok' else 0))
        writer.writerow(['optuna', problem, method, seed, told, epochs, cost, spent, spent, status, *objectives])
        told += 1


def seeds_and_samplers(args):
    """--seeds and --samplers as lists (shared with run_optuna_yahpo.py); an unknown sampler ends the script."""
    seeds = [int(s) for s in args.seeds.split(',') if s.strip()]
    samplers = [s for s in args.samplers.split(',') if s]
    for s in samplers:
        if s not in SAMPLERS:
            sys.exit(f'--samplers: unknown sampler {s!r} (known: {", ".join(SAMPLERS)})')
    return seeds, samplers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--problems', default='zdt1,zdt2,zdt3,dtlz2,frnas-phase1')
    parser.add_argument('--samplers', default=','.join(SAMPLERS))
    parser.add_argument('--seeds', default='1,2,3,4,5,6,7,8,9,10', help='comma-separated seeds')
    parser.add_argument('--synthetic-budget', type=int, default=100 * ANALYTIC_EPOCHS)
    parser.add_argument('--phase1-budget', type=int, default=50 * PHASE1_EPOCHS)
    parser.add_argument('--phase1-csv', default='../shared/data/frnas_results/vgg_val_phase1.csv')
    parser.add_argument('--phase1-disparity', default='Rank Disparity')
    parser.add_argument('--dimension', type=int, default=6)
    parser.add_argument('--out', required=True, help='trials.csv to write')
    args = parser.parse_args()
    seeds, samplers = seeds_and_samplers(args)
    problems = [p for p in args.problems.split(',') if p]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w', newline='') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(COLUMNS)
        for problem in problems:
            if problem in ANALYTIC:
                function, m = ANALYTIC[problem]
                evaluate, count, epochs, budget = analytic_objective(function, args.dimension), m, ANALYTIC_EPOCHS, args.synthetic_budget
            elif problem == 'frnas-phase1':
                if not os.path.exists(args.phase1_csv):
                    print(f'FR-NAS phase-1 table not found at {args.phase1_csv}: skipping frnas-phase1', file=sys.stderr)
                    continue
                evaluate, count, epochs, budget = phase1_objective(read_phase1(args.phase1_csv, args.phase1_disparity)), 2, PHASE1_EPOCHS, args.phase1_budget
            else:
                sys.exit(f'--problems: unknown problem {problem!r}')
            for method in samplers:
                for seed in seeds:
                    run(problem, evaluate, count, epochs, method, seed, budget, writer)
                    f.flush()
                    print(f'optuna {problem} {method} seed {seed}', file=sys.stderr)


if __name__ == '__main__':
    main()
