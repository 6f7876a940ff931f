#!/usr/bin/env python3
"""Reference values for the TypeScript port of the YAHPO Gym query (lib/bench/problems/yahpo.ts).

How independent this check is: Debian has neither yahpo_gym nor its ConfigSpace, so this script does not import
yahpo_gym.BenchmarkSet. It reads the scenario definitions (cont_names, cat_names, y_names) from yahpo_gym's own
source files (benchmarks/{lcbench,rbv2,iaml}.py of a checkout, executed with a stub for yahpo_gym.configuration),
so the input and output orders come from that package and not from the port; it re-implements the twenty lines of
BenchmarkSet._config_to_xs (missing categorical -> '#na#', missing continuous -> 0, codes from encoding.json,
constants such as the instance overwrite the configuration); and it runs the models with Python's onnxruntime
(a different binding from the port's onnxruntime-node). A wrong order, encoding or fidelity value in the port
makes the values differ; a misreading of _config_to_xs shared by both would not be caught.

Usage (needs numpy and onnxruntime, e.g. `python3 -m venv /tmp/v && /tmp/v/bin/pip install onnxruntime`):
  /tmp/v/bin/python benchmarks/yahpo/reference.py --yahpo-gym /path/to/yahpo_gym/yahpo_gym \
      --data ../shared/data/yahpo > test/bench/fixtures/yahpo-reference.json
where --yahpo-gym is the package folder of github.com/slds-lmu/yahpo_gym (commit 201ed403 was used).
"""
import argparse
import json
import sys
import types
from pathlib import Path

import numpy as np
import onnxruntime as rt

# Fixed configurations: the two of yahpo_gym's notebook using_yahpo_gym.ipynb (lcbench 3945), and hand-picked ones
# covering every booster of rbv2_xgboost (inactive parameters absent) and both ends of the fidelities.
CASES = [
    ("lcbench", "3945", {"batch_size": 171, "epoch": 17, "learning_rate": 0.00048312752361389624, "max_dropout": 0.7456459659315888,
                         "max_units": 157.55779409778975, "momentum": 0.11712091337258465, "num_layers": 2, "weight_decay": 0.03826906311299458}),
    ("lcbench", "3945", {"batch_size": 33, "epoch": 52, "learning_rate": 0.08676686454385556, "max_dropout": 0.6256452001406675,
                         "max_units": 644.4361804106277, "momentum": 0.5468432946724163, "num_layers": 1, "weight_decay": 0.08029711547491447}),
    ("lcbench", "167152", {"batch_size": 64, "epoch": 2, "learning_rate": 0.01, "max_dropout": 0.1, "max_units": 512,
                           "momentum": 0.9, "num_layers": 4, "weight_decay": 0.001}),
    ("lcbench", "189873", {"batch_size": 400, "epoch": 6, "learning_rate": 0.0003, "max_dropout": 0.9, "max_units": 80,
                           "momentum": 0.3, "num_layers": 5, "weight_decay": 0.05}),
    ("rbv2_xgboost", "28", {"booster": "gblinear", "alpha": 0.01, "lambda": 2.0, "nrounds": 500, "num.impute.selected.cpo": "impute.mean",
                            "subsample": 0.8, "trainsize": 1.0, "repl": 10}),
    ("rbv2_xgboost", "182", {"booster": "gbtree", "alpha": 0.5, "lambda": 100.0, "nrounds": 30, "num.impute.selected.cpo": "impute.hist",
                             "subsample": 0.5, "colsample_bylevel": 0.7, "colsample_bytree": 0.2, "eta": 0.02, "gamma": 0.0001,
                             "max_depth": 4, "min_child_weight": 50.0, "trainsize": 1 / 3, "repl": 10}),
    ("rbv2_xgboost", "12", {"booster": "dart", "alpha": 3.0, "lambda": 0.01, "nrounds": 2000, "num.impute.selected.cpo": "impute.median",
                            "subsample": 0.9, "colsample_bylevel": 0.3, "colsample_bytree": 0.9, "eta": 0.3, "gamma": 1.0,
                            "max_depth": 12, "min_child_weight": 5.0, "rate_drop": 0.2, "skip_drop": 0.7, "trainsize": 1 / 27, "repl": 10}),
    ("iaml_glmnet", "1489", {"alpha": 0.3, "s": 0.01, "trainsize": 1.0}),
    ("iaml_glmnet", "1067", {"alpha": 0.9, "s": 50.0, "trainsize": 1 / 9}),
]


def scenario_definitions(package: Path) -> dict:
    """yahpo_gym's config_dict, filled by executing its benchmark modules against a stub of yahpo_gym.configuration."""
    config_dict = {}
    stub = types.ModuleType("yahpo_gym.configuration")
    stub.config_dict = config_dict
    stub.cfg = None
    sys.modules["yahpo_gym"] = types.ModuleType("yahpo_gym")
    sys.modules["yahpo_gym.configuration"] = stub
    for module in ("lcbench", "rbv2", "iaml"):
        source = (package / "benchmarks" / f"{module}.py").read_text()
        exec(compile(source, f"{module}.py", "exec"), {"__name__": f"yahpo_gym.benchmarks.{module}"})
    return config_dict


def config_to_xs(definition: dict, encoding: dict, configuration: dict, instance: str):
    """BenchmarkSet._config_to_xs without the ConfigSpace check (yahpo_gym/benchmark_set.py)."""
    configuration = dict(configuration)
    configuration[definition["instance_names"]] = instance  # constants overwrite configuration values
    x_cat = np.array([encoding[name][configuration.get(name, "#na#")] for name in definition["cat_names"]
                      if name not in definition.get("drop_predict", [])]).reshape(1, -1).astype(np.int32)
    x_cont = np.array([configuration.get(name, 0) for name in definition["cont_names"]]).reshape(1, -1).astype(np.float32)
    return x_cont, x_cat


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--yahpo-gym", required=True, type=Path, help="yahpo_gym package folder (contains benchmarks/)")
    parser.add_argument("--data", required=True, type=Path, help="YAHPO data folder (one sub-folder per scenario)")
    args = parser.parse_args()
    definitions = scenario_definitions(args.yahpo_gym)
    cases = []
    for scenario, instance, configuration in CASES:
        definition = definitions[scenario]
        folder = args.data / scenario
        encoding = json.loads((folder / "encoding.json").read_text())
        session = rt.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
        x_cont, x_cat = config_to_xs(definition, encoding, configuration, instance)
        inputs = [i.name for i in session.get_inputs()]
        output = session.run([session.get_outputs()[0].name], {inputs[0]: x_cat, inputs[1]: x_cont})[0][0]
        cases.append({
            "scenario": scenario,
            "instance": instance,
            "configuration": configuration,
            "outputs": {name: float(value) for name, value in zip(definition["y_names"], output)},
        })
    json.dump({
        "source": "benchmarks/yahpo/reference.py with yahpo_gym commit 201ed403 scenario definitions, Python onnxruntime "
                  + rt.__version__ + ", YAHPO data v1.0.2 (slds-lmu/yahpo_data efdab907)",
        "cases": cases,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
