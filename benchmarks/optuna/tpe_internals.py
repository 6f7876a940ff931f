#!/usr/bin/python3
"""Optuna 3.1's multi-objective TPE internals on fixed observations, for test/search/tpe-optuna.test.ts.

For DTLZ2 and ZDT3 (two objectives, three parameters in [0, 1]) it tells 57 completed trials with seeded random
parameters to an Optuna study, then does per parameter what TPESampler.sample_independent does before sampling:
`_get_observation_pairs`, `_split_observation_pairs` with the default gamma, the below weights of
`_calculate_weights_below_for_multi_objective`, and the two `_ParzenEstimator`s with the sampler's own parameters.
It writes the parameters and losses it used, the split, and each estimator's mus, sigmas, weights and
`log_pdf` on a grid, so the test rebuilds the same estimators with frnas and compares them.

Generated once with Debian's python3-optuna (Optuna 3.1); re-run only to regenerate the fixture:
    /usr/bin/python3 benchmarks/optuna/tpe_internals.py > test/search/fixtures/optuna-tpe-3.1.json
"""

import json
import math
import random
import sys

import numpy as np
import optuna
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator
from optuna.samplers._tpe.sampler import (
    _calculate_weights_below_for_multi_objective,
    _get_observation_pairs,
    _split_observation_pairs,
)

N_TRIALS = 57
PARAMS = ['x0', 'x1', 'x2']
GRID = [i / 20 for i in range(21)] + [0.013, 0.377, 0.5001, 0.919]


def dtlz2(x):
    g = sum((v - 0.5) ** 2 for v in x[2:])
    return [(1 + g) * math.cos(x[0] * math.pi / 2), (1 + g) * math.sin(x[0] * math.pi / 2)]


def zdt3(x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return [x[0], g * (1 - math.sqrt(x[0] / g) - (x[0] / g) * math.sin(10 * math.pi * x[0]))]


def estimator_json(estimator, name):
    grid = np.asarray(GRID, dtype=float)
    return {
        'mus': estimator._mus[name].tolist(),
        'sigmas': estimator._sigmas[name].tolist(),
        'weights': estimator._weights.tolist(),
        'logPdf': estimator.log_pdf({name: grid}).tolist(),
    }


def problem_case(name, function, seed):
    rng = random.Random(seed)
    params = [[rng.random() for _ in PARAMS] for _ in range(N_TRIALS)]
    losses = [function(x) for x in params]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(directions=['minimize', 'minimize'])
    distribution = optuna.distributions.FloatDistribution(0.0, 1.0)
    for x, values in zip(params, losses):
        study.add_trial(optuna.trial.create_trial(
            params=dict(zip(PARAMS, x)),
            distributions={p: distribution for p in PARAMS},
            values=values,
        ))
    sampler = optuna.samplers.TPESampler(seed=seed)
    estimator_parameters = sampler._parzen_estimator_parameters
    per_param = {}
    split = None
    for param in PARAMS:
        # As TPESampler.sample_independent (Optuna 3.1), up to building the two estimators.
        values, scores, violations = _get_observation_pairs(study, [param], False, False)
        n = sum(s < float('inf') for s, v in scores)
        below_idx, above_idx = _split_observation_pairs(scores, sampler._gamma(n), violations)
        config = np.asarray(values[param], dtype=float)
        weights_below = _calculate_weights_below_for_multi_objective(scores, below_idx, violations)
        below = _ParzenEstimator({param: config[below_idx]}, {param: distribution}, estimator_parameters, weights_below)
        above = _ParzenEstimator({param: config[above_idx]}, {param: distribution}, estimator_parameters)
        split = {'nBelow': int(sampler._gamma(n)), 'below': below_idx.tolist(), 'belowWeights': weights_below.tolist(), 'above': above_idx.tolist()}
        per_param[param] = {'below': estimator_json(below, param), 'above': estimator_json(above, param)}
    return {'problem': name, 'seed': seed, 'params': params, 'losses': losses, 'split': split, 'estimators': per_param}


def main():
    fixture = {
        'generator': 'benchmarks/optuna/tpe_internals.py',
        'optuna': optuna.__version__,
        'numpy': np.__version__,
        'python': sys.version.split()[0],
        'grid': GRID,
        'cases': [problem_case('dtlz2', dtlz2, 5109), problem_case('zdt3', zdt3, 5110)],
    }
    json.dump(fixture, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
