// YAHPO Gym surrogate benchmarks (Pfisterer et al., AutoML-Conf 2022) as frnas benchmark problems. The query is a
// port of yahpo_gym's BenchmarkSet._config_to_xs / objective_function (github.com/slds-lmu/yahpo_gym, commit 201ed40,
// yahpo_gym/benchmark_set.py and benchmarks/{lcbench,rbv2,iaml}.py): continuous inputs in the scenario's `cont_names`
// order as raw values (the ONNX graph does its own scaling and log transforms), categorical inputs as the integer
// codes of encoding.json in `cat_names` order, inactive hyperparameters as 0 / '#na#', and the outputs in `y_names`
// order on their own scale (no back-transform in Python either). See docs/benchmark-problems.md ("YAHPO Gym").
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hypervolume, nonDominatedSort } from '../../pareto/index.js';
import { Space } from '../../space/index.js';
import type { Configuration } from '../../space/types.js';
import type { SpaceJSON } from '../../space/json.js';
import type { Direction, Fidelity, ObjectiveSpec } from '../../search/types.js';
import type { BenchmarkEvaluation, BenchmarkProblem } from '../problem.js';
import { MAX_OUTPUT_VALUES, SyncOnnxModel } from './onnx-sync.js';

export type YahpoScenario = 'lcbench' | 'rbv2_xgboost' | 'iaml_glmnet';
export const YAHPO_SCENARIOS: readonly YahpoScenario[] = ['lcbench', 'rbv2_xgboost', 'iaml_glmnet'];
/** Where the surrogates are read from, relative to the working directory (shared data, never copied into the repo). */
export const YAHPO_DEFAULT_DIR = '../shared/data/yahpo';

interface ScenarioDefinition {
  /** yahpo_gym's y_names with y_minimize (rbv2's f1 is listed as minimised there by mistake: maximised here). */
  targets: readonly (readonly [string, Direction])[];
  contNames: readonly string[];
  catNames: readonly string[];
  instanceName: string;
  /** The fidelity parameter frnas's budget drives, and how a budget maps to its value. */
  fidelityName: string;
  fidelity: Fidelity;
  fidelityValue: (budget: number) => number;
  /** Other fidelity parameters, held fixed (rbv2's `repl`: 10 replications, the full resampling). */
  fixed: Record<string, number>;
}

const RBV2_TARGETS = [
  ['acc', 'maximize'], ['bac', 'maximize'], ['auc', 'maximize'], ['brier', 'minimize'], ['f1', 'maximize'],
  ['logloss', 'minimize'], ['timetrain', 'minimize'], ['timepredict', 'minimize'], ['memory', 'minimize'],
] as const;
const IAML_TARGETS = [
  ['mmce', 'minimize'], ['f1', 'maximize'], ['auc', 'maximize'], ['logloss', 'minimize'], ['ramtrain', 'minimize'],
  ['rammodel', 'minimize'], ['rampredict', 'minimize'], ['timetrain', 'minimize'], ['timepredict', 'minimize'],
  ['mec', 'minimize'], ['ias', 'minimize'], ['nf', 'minimize'],
] as const;
/** trainsize in [0.03, 1] as budgets 1…27 (eta 3: 1, 3, 9, 27 → trainsize 1/27 … 1); a budget unit is 1/27 of the data. */
const TRAINSIZE_FIDELITY: Fidelity = { min: 1, max: 27, eta: 3 };

const SCENARIOS: Record<YahpoScenario, ScenarioDefinition> = {
  lcbench: {
    targets: [
      ['time', 'minimize'], ['val_accuracy', 'maximize'], ['val_cross_entropy', 'minimize'],
      ['val_balanced_accuracy', 'maximize'], ['test_cross_entropy', 'minimize'], ['test_balanced_accuracy', 'maximize'],
    ],
    contNames: ['epoch', 'batch_size', 'learning_rate', 'momentum', 'weight_decay', 'num_layers', 'max_units', 'max_dropout'],
    catNames: ['OpenML_task_id'],
    instanceName: 'OpenML_task_id',
    fidelityName: 'epoch',
    // Epochs 1…52 with eta 3: rungs at 52/27, 52/9, 52/3 and 52 epochs, queried at the nearest whole epoch (2, 6, 17, 52).
    fidelity: { min: 52 / 27, max: 52, eta: 3 },
    fidelityValue: (budget) => Math.min(52, Math.max(1, Math.round(budget))),
    fixed: {},
  },
  rbv2_xgboost: {
    targets: RBV2_TARGETS,
    contNames: ['nrounds', 'eta', 'gamma', 'lambda', 'alpha', 'subsample', 'max_depth', 'min_child_weight', 'colsample_bytree', 'colsample_bylevel', 'rate_drop', 'skip_drop', 'trainsize', 'repl'],
    catNames: ['task_id', 'booster', 'num.impute.selected.cpo'],
    instanceName: 'task_id',
    fidelityName: 'trainsize',
    fidelity: TRAINSIZE_FIDELITY,
    fidelityValue: (budget) => budget / TRAINSIZE_FIDELITY.max,
    fixed: { repl: 10 },
  },
  iaml_glmnet: {
    targets: IAML_TARGETS,
    contNames: ['alpha', 's', 'trainsize'],
    catNames: ['task_id'],
    instanceName: 'task_id',
    fidelityName: 'trainsize',
    fidelity: TRAINSIZE_FIDELITY,
    fidelityValue: (budget) => budget / TRAINSIZE_FIDELITY.max,
    fixed: {},
  },
};

/** Targets and their directions of a scenario, in the surrogate's output order. */
export function yahpoTargets(scenario: YahpoScenario): { name: string; direction: Direction }[] {
  return scenarioOf(scenario).targets.map(([name, direction]) => ({ name, direction }));
}

export interface YahpoProblemOptions {
  scenario: YahpoScenario;
  /** The instance (OpenML task / data set id as yahpo_gym spells it, e.g. '167152'). */
  instance: string;
  /** Targets to optimise, e.g. ['val_accuracy', 'val_cross_entropy']; directions are yahpo_gym's. */
  objectives: readonly string[];
  /** Folder with one sub-folder per scenario (default ../shared/data/yahpo from the working directory). */
  dataDir?: string;
  /** Problem name (default `yahpo-<scenario>-<instance>`). */
  name?: string;
  /** Random full-budget configurations that estimate the true front and the reference point (default 20,000). */
  frontSample?: number;
  secondsPerEpoch?: number;
}

/** A YAHPO Gym surrogate as a benchmark problem; `close()` ends the model's worker thread. */
export interface YahpoProblem extends BenchmarkProblem {
  readonly scenario: YahpoScenario;
  readonly instance: string;
  /** The surrogate's raw answer: every target of the scenario at the fidelity value (not the budget). */
  query(configs: readonly Configuration[], fidelityValue: number): Record<string, number>[];
  /** Evaluates many configurations at one budget in one model call (objective values in the problem's order). */
  evaluateMany(configs: readonly Configuration[], budget: number): number[][];
  /** The fidelity parameter's value at a budget (lcbench: epochs; rbv2 / iaml: trainsize). */
  fidelityValue(budget: number): number;
  close(): void;
}

interface ConfigSpaceHyperparameter {
  name: string;
  type: string;
  log?: boolean;
  lower?: number;
  upper?: number;
  default?: number | string;
  choices?: string[];
}
interface ConfigSpaceCondition {
  child: string;
  parent: string;
  type: string;
  value?: string;
  values?: string[];
}

function scenarioOf(scenario: YahpoScenario): ScenarioDefinition {
  const definition = (SCENARIOS as Partial<Record<string, ScenarioDefinition>>)[scenario];
  if (!definition) throw new Error(`yahpoProblem: scenario must be one of ${YAHPO_SCENARIOS.join(', ')}, got ${JSON.stringify(scenario)}`);
  return definition;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`yahpoProblem: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The search space: the scenario's ConfigSpace minus the instance and the fidelity parameters, in our JSON format
 * (conditions EQ / IN carried over: rbv2_xgboost's booster switches the tree parameters on and off).
 */
function searchSpace(path: string, definition: ScenarioDefinition): Space {
  const json = readJson(path) as { hyperparameters?: ConfigSpaceHyperparameter[]; conditions?: ConfigSpaceCondition[] };
  const skip = new Set([definition.instanceName, definition.fidelityName, ...Object.keys(definition.fixed)]);
  const hyperparameters: SpaceJSON['hyperparameters'] = {};
  for (const h of json.hyperparameters ?? []) {
    if (skip.has(h.name)) continue;
    if (h.type === 'uniform_float' || h.type === 'uniform_int') {
      hyperparameters[h.name] = {
        type: h.type === 'uniform_float' ? 'float' : 'integer',
        lower: h.lower as number,
        upper: h.upper as number,
        log: h.log === true,
        default: h.default as number,
      };
    } else if (h.type === 'categorical') {
      hyperparameters[h.name] = { type: 'categorical', choices: h.choices ?? [], default: h.default as string };
    } else {
      throw new Error(`yahpoProblem: ${path}: hyperparameter ${h.name} has type ${h.type}, which the port does not handle`);
    }
  }
  const conditions = (json.conditions ?? []).map((c) => {
    if (c.type === 'EQ') return { child: c.child, parent: c.parent, equals: c.value as string };
    if (c.type === 'IN') return { child: c.child, parent: c.parent, in: c.values ?? [] };
    throw new Error(`yahpoProblem: ${path}: condition on ${c.child} has type ${c.type}, which the port does not handle`);
  });
  return Space.fromJSON({ hyperparameters, conditions } as SpaceJSON);
}

/**
 * A YAHPO Gym scenario × instance × targets as a multi-objective, multi-fidelity benchmark problem. Needs the
 * surrogate files (`dataDir`) and onnxruntime-node (an optional dependency; a clear error when missing).
 */
export function yahpoProblem(options: YahpoProblemOptions): YahpoProblem {
  const { scenario, instance, objectives: targetNames, frontSample = 20_000, secondsPerEpoch = 1 } = options;
  const definition = scenarioOf(scenario);
  const folder = resolve(options.dataDir ?? YAHPO_DEFAULT_DIR, scenario);
  for (const file of ['model.onnx', 'config_space.json', 'encoding.json']) {
    if (!existsSync(join(folder, file))) throw new Error(`yahpoProblem: ${join(folder, file)} does not exist (the YAHPO Gym data of ${scenario})`);
  }
  const encoding = readJson(join(folder, 'encoding.json')) as Record<string, Record<string, number>>;
  const instanceCode = encoding[definition.instanceName]?.[instance];
  if (instanceCode === undefined) {
    const known = Object.keys(encoding[definition.instanceName] ?? {}).filter((k) => k !== '#na#');
    throw new Error(`yahpoProblem: ${scenario} has no instance ${JSON.stringify(instance)} (known: ${known.join(', ')})`);
  }
  if (targetNames.length === 0) throw new Error('yahpoProblem: objectives must name at least one target');
  const targetIndex = new Map(definition.targets.map(([name], i) => [name, i]));
  const objectives: ObjectiveSpec[] = targetNames.map((name) => {
    const index = targetIndex.get(name);
    if (index === undefined) throw new Error(`yahpoProblem: ${scenario} has no target ${JSON.stringify(name)} (targets: ${[...targetIndex.keys()].join(', ')})`);
    return { name, direction: definition.targets[index][1] };
  });
  const directions = objectives.map((o) => o.direction);
  const space = searchSpace(join(folder, 'config_space.json'), definition);
  const model = new SyncOnnxModel(join(folder, 'model.onnx'));
  const name = options.name ?? `yahpo-${scenario}-${instance}`;

  const query = (configs: readonly Configuration[], fidelityValue: number): Record<string, number>[] => {
    const rows = configs.length;
    const xCat = new Int32Array(rows * definition.catNames.length);
    const xCont = new Float32Array(rows * definition.contNames.length);
    configs.forEach((config, r) => {
      const values: Record<string, number | string> = { ...definition.fixed, [definition.fidelityName]: fidelityValue, [definition.instanceName]: instance };
      for (const [key, value] of Object.entries(config)) {
        if (typeof value === 'boolean') throw new Error(`${name}: ${key} must be a number or a string, got ${value}`);
        values[key] = value;
      }
      definition.catNames.forEach((cat, c) => {
        // yahpo_gym: a missing categorical is '#na#'.
        const code = encoding[cat]?.[String(values[cat] ?? '#na#')];
        if (code === undefined) throw new Error(`${name}: ${cat} = ${JSON.stringify(values[cat])} has no code in encoding.json`);
        xCat[r * definition.catNames.length + c] = code;
      });
      definition.contNames.forEach((cont, c) => {
        // yahpo_gym: a missing (inactive) continuous hyperparameter is 0.
        const value = values[cont] ?? 0;
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${name}: ${cont} must be a finite number, got ${JSON.stringify(value)}`);
        xCont[r * definition.contNames.length + c] = value;
      });
    });
    const { output, dims } = model.run({
      x_cat: { type: 'int32', data: xCat, dims: [rows, definition.catNames.length] },
      x_cont: { type: 'float32', data: xCont, dims: [rows, definition.contNames.length] },
    });
    const width = dims[1];
    if (width !== definition.targets.length) throw new Error(`${name}: the surrogate gave ${width} outputs, expected ${definition.targets.length}`);
    return Array.from({ length: rows }, (_, r) => Object.fromEntries(definition.targets.map(([target], i) => [target, output[r * width + i]])));
  };

  const evaluateMany = (configs: readonly Configuration[], budget: number): number[][] => {
    if (!(budget >= definition.fidelity.min - 1e-9 && budget <= definition.fidelity.max + 1e-9)) {
      throw new Error(`${name}: budget ${budget} is outside the fidelity range [${definition.fidelity.min}, ${definition.fidelity.max}]`);
    }
    const answers: number[][] = [];
    // Batches fit the worker's shared answer buffer.
    const batch = Math.floor(MAX_OUTPUT_VALUES / definition.targets.length);
    for (let start = 0; start < configs.length; start += batch) {
      for (const row of query(configs.slice(start, start + batch), definition.fidelityValue(budget))) answers.push(targetNames.map((t) => row[t]));
    }
    return answers;
  };

  let estimate: { front: number[][]; reference: number[]; volume: number } | undefined;
  // The true front and the reference point from a fixed random sample at the full budget (seeded by the problem name).
  // Reference: per objective the sample's median, so a point counts once it beats half the random configurations in
  // every objective. The front's own nadir is too tight (lcbench's sample fronts hold a handful of points); the worse
  // quartile too loose (random search alone scored 0.95 of the true front on lcbench).
  const estimated = (): { front: number[][]; reference: number[]; volume: number } => {
    if (estimate) return estimate;
    const sample = space.sample(frontSample, `${name}|front`);
    const points = evaluateMany(sample, definition.fidelity.max).filter((p) => p.every(Number.isFinite));
    const front = nonDominatedSort(points, directions)[0].map((i) => points[i]);
    const reference = objectives.map((_, j) => {
      const values = points.map((p) => p[j]).sort((a, b) => a - b);
      return values[Math.floor(0.5 * (values.length - 1))];
    });
    estimate = { front, reference, volume: hypervolume(front, reference, directions) };
    return estimate;
  };

  return {
    name,
    scenario,
    instance,
    objectives,
    fidelity: definition.fidelity,
    get referencePoint() {
      return estimated().reference;
    },
    secondsPerEpoch,
    space: () => space,
    query,
    evaluateMany,
    fidelityValue: (budget) => definition.fidelityValue(budget),
    evaluate(config: Configuration, budget: number): BenchmarkEvaluation {
      const [point] = evaluateMany([config], budget);
      if (!point.every(Number.isFinite)) return { status: 'failed', error: `the surrogate gave ${point.join(', ')}` };
      return { status: 'ok', values: Object.fromEntries(targetNames.map((t, i) => [t, point[i]])) };
    },
    trueFront: () => estimated().front,
    trueHypervolume: () => estimated().volume,
    close: () => model.close(),
  };
}
