#!/usr/bin/python3
"""Optuna on the YAHPO Gym suite of `frnas bench --suite yahpo` (docs/benchmarks.md, "YAHPO Gym").

Debian has no Python onnxruntime, so the surrogates run in Node: this script starts benchmarks/yahpo/serve.ts and
talks to it in JSON lines (one request, one answer), driving Optuna 3.1 through ask/tell. Every trial runs at the full
budget (Optuna has no multi-objective multi-fidelity pruning): 52 epochs on lcbench, trainsize 1 (27 budget units) on
rbv2_xgboost and iaml_glmnet; a run ends when the epochs of `--evaluations` full evaluations are spent, as frnas's.
Writes trials.csv with the columns of lib/bench/records.ts, so frnas computes the metrics of both libraries.

    /usr/bin/python3 benchmarks/optuna/run_optuna_yahpo.py --seeds 1,2,3 --out benchmarks/results/optuna-yahpo.csv
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time

import optuna

# The trials.csv columns, the samplers and the flag parsing of the other Optuna script (same folder, on sys.path).
from run_optuna import COLUMNS, SAMPLERS, seeds_and_samplers  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Bridge:
    """The Node surrogate server: one JSON line out, one JSON line back."""

    def __init__(self, yahpo_dir):
        command = ['node', '--import', 'tsx', os.path.join('benchmarks', 'yahpo', 'serve.ts')]
        if yahpo_dir:
            command += ['--yahpo-dir', yahpo_dir]
        self.process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def call(self, request):
        self.process.stdin.write(json.dumps(request) + '\n')
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f'bridge: the Node surrogate server ended (request {request.get("op")})')
        answer = json.loads(line)
        if answer.get('status') == 'error':
            sys.exit(f'bridge: {answer["error"]}')
        return answer

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def active(condition, config):
    """A condition of our space JSON (equals / in with a parent), as lib/space evaluates it."""
    parent = config.get(condition['parent'])
    if 'equals' in condition:
        return parent == condition['equals']
    if 'in' in condition:
        return parent in condition['in']
    sys.exit(f'space: condition {condition} is not handled by the bridge')


def suggest(trial, space):
    """Define-by-run sampling of our space JSON: parents before children, inactive ones not suggested."""
    conditions = {c['child']: c for c in space.get('conditions', [])}
    names = list(space['hyperparameters'])
    names.sort(key=lambda n: n in conditions)  # unconditional first (the YAHPO spaces have one level of conditions)
    config = {}
    for name in names:
        if name in conditions and not active(conditions[name], config):
            continue
        h = space['hyperparameters'][name]
        if h['type'] == 'float':
            config[name] = trial.suggest_float(name, h['lower'], h['upper'], log=h.get('log', False))
        elif h['type'] in ('integer', 'int'):
            config[name] = trial.suggest_int(name, h['lower'], h['upper'], log=h.get('log', False))
        elif h['type'] == 'categorical':
            config[name] = trial.suggest_categorical(name, h['choices'])
        else:
            sys.exit(f'space: hyperparameter {name} of type {h["type"]} is not handled by the bridge')
    return config


def run(bridge, problem, method, seed, evaluations, writer):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    directions = [o['direction'] for o in problem['objectives']]
    study = optuna.create_study(directions=directions, sampler=SAMPLERS[method](seed))
    full = problem['fidelity']['max']
    budget = evaluations * full
    spent = 0
    told = 0
    while spent + full <= budget + 1e-9:
        trial = study.ask()
        config = suggest(trial, problem['space'])
        answer = bridge.call({'op': 'evaluate', 'problem': problem['name'], 'config': config})
        spent += full
        if answer['status'] == 'ok':
            study.tell(trial, answer['values'])
            values = answer['values']
        else:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            values = []
        writer.writerow(['optuna', problem['name'], method, seed, told, full, full, spent, spent, answer['status'],
                         *(values + [''] * (3 - len(values)))])
        told += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--problems', default='', help='comma-separated problem names (default: the whole suite)')
    parser.add_argument('--samplers', default=','.join(SAMPLERS))
    parser.add_argument('--seeds', default='1,2,3,4,5,6,7,8,9,10', help='comma-separated seeds')
    parser.add_argument('--evaluations', type=int, default=40, help='full-budget evaluations per run (frnas: YAHPO_BUDGET_EVALUATIONS)')
    parser.add_argument('--yahpo-dir', default='', help='YAHPO Gym data folder (default ../shared/data/yahpo)')
    parser.add_argument('--out', required=True, help='trials.csv to write')
    args = parser.parse_args()
    seeds, samplers = seeds_and_samplers(args)
    bridge = Bridge(args.yahpo_dir)
    problems = bridge.call({'op': 'problems'})['problems']
    wanted = [p for p in args.problems.split(',') if p]
    known = {p['name'] for p in problems}
    for name in wanted:
        if name not in known:
            sys.exit(f'--problems: unknown problem {name!r} (known: {", ".join(sorted(known))})')
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w', newline='') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(COLUMNS)
        for problem in problems:
            if wanted and problem['name'] not in wanted:
                continue
            for method in samplers:
                for seed in seeds:
                    start = time.time()
                    run(bridge, problem, method, seed, args.evaluations, writer)
                    f.flush()
                    print(f'optuna {problem["name"]} {method} seed {seed}: {time.time() - start:.1f} s', file=sys.stderr)
    bridge.close()


if __name__ == '__main__':
    main()
