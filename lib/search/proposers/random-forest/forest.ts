import type { Rng } from '../../../space/types.js';

/** Settings of the regression forest; the defaults are SMAC3's `RandomForest` defaults. */
export interface RandomForestOptions {
  /** Number of trees (SMAC3: 10). */
  nTrees?: number;
  /** Share of the features drawn as split candidates at each node, at least one (SMAC3: 5/6). */
  ratioFeatures?: number;
  /** A node with fewer samples is a leaf (SMAC3: 3). */
  minSamplesSplit?: number;
  /** Neither side of a split may hold fewer samples (SMAC3: 3). */
  minSamplesLeaf?: number;
  /** Maximum depth of a tree (SMAC3: 2**20, i.e. unbounded). */
  maxDepth?: number;
  /** A node whose targets differ by less than this is a leaf (SMAC3: 1e-8). */
  epsPurity?: number;
  /** Each tree sees a bootstrap sample of the data (SMAC3: true). */
  bootstrapping?: boolean;
  /**
   * Targets are log-scaled costs: a leaf predicts log(mean(exp(y))) instead of mean(y), as SMAC3's
   * `log_y` forest does, so the prediction is the log of the mean cost rather than the mean log cost.
   */
  logY?: boolean;
}

/** What the forest predicts for each query point: mean and variance of the per-tree predictions. */
export interface ForestPrediction {
  mean: Float64Array;
  variance: Float64Array;
}

/** Value that stands for an inactive hyperparameter (NaN in the encoding), as SMAC3 imputes it. */
export const INACTIVE_IMPUTATION = -1;

/** Variances below this are raised to it, so expected improvement never divides by zero (SMAC3's threshold). */
export const VARIANCE_FLOOR = 1e-10;

/** One regression tree in flat arrays: `feature[i] < 0` marks leaf i, whose prediction is `value[i]`. */
interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

const DEFAULTS: Required<RandomForestOptions> = {
  nTrees: 10,
  ratioFeatures: 5 / 6,
  minSamplesSplit: 3,
  minSamplesLeaf: 3,
  maxDepth: 2 ** 20,
  epsPurity: 1e-8,
  bootstrapping: true,
  logY: false,
};

/**
 * A random forest regressor on encoded configurations (SMAC3's surrogate, after pyrfr): bootstrapped
 * CART trees that split on the best of a random subset of features at each node. Uncertainty is the
 * variance of the per-tree predictions (pyrfr as SMAC3 configures it: no within-leaf variance).
 */
export class RandomForestRegressor {
  readonly options: Required<RandomForestOptions>;
  private trees: Tree[] = [];
  private dimension = -1;

  constructor(options: RandomForestOptions = {}) {
    this.options = { ...DEFAULTS, ...definedOnly(options) };
    const o = this.options;
    if (!Number.isInteger(o.nTrees) || o.nTrees < 1) throw new Error(`RandomForestRegressor: nTrees must be a positive integer, got ${o.nTrees}`);
    if (!(o.ratioFeatures > 0 && o.ratioFeatures <= 1)) throw new Error(`RandomForestRegressor: ratioFeatures must be in (0, 1], got ${o.ratioFeatures}`);
    if (!Number.isInteger(o.minSamplesLeaf) || o.minSamplesLeaf < 1) throw new Error(`RandomForestRegressor: minSamplesLeaf must be a positive integer, got ${o.minSamplesLeaf}`);
    if (!Number.isInteger(o.minSamplesSplit) || o.minSamplesSplit < 2) throw new Error(`RandomForestRegressor: minSamplesSplit must be an integer >= 2, got ${o.minSamplesSplit}`);
    if (!(o.maxDepth >= 0)) throw new Error(`RandomForestRegressor: maxDepth must be >= 0, got ${o.maxDepth}`);
  }

  get fitted(): boolean {
    return this.trees.length > 0;
  }

  /** Fits the forest to rows `x` (NaN = inactive, imputed) and targets `y`; all randomness from `rng`. */
  fit(x: readonly (readonly number[])[], y: readonly number[], rng: Rng): this {
    const n = x.length;
    if (n === 0) throw new Error('RandomForestRegressor: cannot fit on zero points');
    if (y.length !== n) throw new Error(`RandomForestRegressor: ${n} rows but ${y.length} targets`);
    const d = x[0].length;
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const row = x[i];
      if (row.length !== d) throw new Error(`RandomForestRegressor: row ${i} has ${row.length} values, expected ${d}`);
      for (let j = 0; j < d; j++) data[i * d + j] = Number.isNaN(row[j]) ? INACTIVE_IMPUTATION : row[j];
      if (!Number.isFinite(y[i])) throw new Error(`RandomForestRegressor: target ${i} is ${y[i]}, expected a finite number`);
    }
    const targets = Float64Array.from(y);
    // Rows sorted by each feature once; every tree derives its presorted order from these in O(n).
    const sortedRows = new Int32Array(d * n);
    const keys = new Float64Array(n);
    const ids = Array.from({ length: n }, (_, i) => i);
    for (let f = 0; f < d; f++) {
      for (let i = 0; i < n; i++) keys[i] = data[i * d + f];
      sortedRows.set(ids.sort((a, b) => keys[a] - keys[b] || a - b), f * n);
    }
    this.dimension = d;
    this.trees = [];
    for (let t = 0; t < this.options.nTrees; t++) {
      const rows = new Int32Array(n);
      for (let i = 0; i < n; i++) rows[i] = this.options.bootstrapping ? Math.floor(rng() * n) : i;
      this.trees.push(new TreeBuilder(data, d, targets, rows, sortedRows, this.options, rng).build());
    }
    return this;
  }

  /** Per-tree predictions, tree-major: `out[t * rows + i]`. */
  predictPerTree(x: readonly (readonly number[])[]): Float64Array {
    if (!this.fitted) throw new Error('RandomForestRegressor: predict before fit');
    const rows = x.length;
    const out = new Float64Array(this.trees.length * rows);
    const point = new Float64Array(this.dimension);
    for (let i = 0; i < rows; i++) {
      const row = x[i];
      if (row.length !== this.dimension) throw new Error(`RandomForestRegressor: query ${i} has ${row.length} values, expected ${this.dimension}`);
      for (let j = 0; j < this.dimension; j++) point[j] = Number.isNaN(row[j]) ? INACTIVE_IMPUTATION : row[j];
      for (let t = 0; t < this.trees.length; t++) out[t * rows + i] = predictTree(this.trees[t], point);
    }
    return out;
  }

  /** Mean and variance (floored at VARIANCE_FLOOR) of the trees' predictions at each row of `x`. */
  predict(x: readonly (readonly number[])[]): ForestPrediction {
    const rows = x.length;
    const perTree = this.predictPerTree(x);
    const nTrees = this.trees.length;
    const mean = new Float64Array(rows);
    const variance = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let t = 0; t < nTrees; t++) sum += perTree[t * rows + i];
      const m = sum / nTrees;
      let squares = 0;
      for (let t = 0; t < nTrees; t++) {
        const diff = perTree[t * rows + i] - m;
        squares += diff * diff;
      }
      mean[i] = m;
      variance[i] = Math.max(squares / nTrees, VARIANCE_FLOOR);
    }
    return { mean, variance };
  }
}

function predictTree(tree: Tree, point: Float64Array): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = point[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return tree.value[node];
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Grows one tree by presorting: every feature keeps the node's samples in sorted order in one
 * segment [start, end) of its own array, and a split partitions all segments stably, so no node sorts.
 * Samples are positions 0..n-1 of the bootstrap sample; their features and targets are copied into
 * flat typed arrays so the inner loops only index arrays.
 */
class TreeBuilder {
  private readonly n: number;
  /** order[f * n + q]: the q-th sample in ascending order of feature f within its node's segment. */
  private readonly order: Int32Array;
  /** columns[f * n + p]: feature f of sample p. */
  private readonly columns: Float64Array;
  /** y[p]: target of sample p. */
  private readonly y: Float64Array;
  private readonly goesLeft: Uint8Array;
  private readonly scratch: Int32Array;
  private readonly features: Int32Array;
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly value: number[] = [];
  private splitFeature = -1;
  private splitThreshold = 0;

  constructor(
    data: Float64Array,
    private readonly d: number,
    targets: Float64Array,
    rows: Int32Array,
    sortedRows: Int32Array,
    private readonly options: Required<RandomForestOptions>,
    private readonly rng: Rng,
  ) {
    const n = rows.length;
    this.n = n;
    this.order = new Int32Array(d * n);
    this.columns = new Float64Array(d * n);
    this.y = new Float64Array(n);
    this.goesLeft = new Uint8Array(n);
    this.scratch = new Int32Array(n);
    this.features = Int32Array.from({ length: d }, (_, f) => f);
    for (let p = 0; p < n; p++) {
      this.y[p] = targets[rows[p]];
      for (let f = 0; f < d; f++) this.columns[f * n + p] = data[rows[p] * d + f];
    }
    // Positions of each original row in the bootstrap sample, as linked lists (head per row, next per position).
    const head = new Int32Array(n).fill(-1);
    const next = new Int32Array(n).fill(-1);
    for (let p = n - 1; p >= 0; p--) {
      next[p] = head[rows[p]];
      head[rows[p]] = p;
    }
    for (let f = 0; f < d; f++) {
      let q = f * n;
      for (let k = 0; k < n; k++) {
        for (let p = head[sortedRows[f * n + k]]; p >= 0; p = next[p]) this.order[q++] = p;
      }
    }
  }

  build(): Tree {
    this.grow(0, this.n, 0);
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
    };
  }

  private addNode(): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(0);
    return this.feature.length - 1;
  }

  private leafValue(start: number, end: number): number {
    const { order, y } = this;
    const count = end - start;
    if (this.options.logY) {
      // log(mean(exp(y))) computed stably around the largest y.
      let top = -Infinity;
      for (let q = start; q < end; q++) top = Math.max(top, y[order[q]]);
      let sum = 0;
      for (let q = start; q < end; q++) sum += Math.exp(y[order[q]] - top);
      return top + Math.log(sum / count);
    }
    let sum = 0;
    for (let q = start; q < end; q++) sum += y[order[q]];
    return sum / count;
  }

  /** Grows the node holding segment [start, end) of every feature's order; returns its index. */
  private grow(start: number, end: number, depth: number): number {
    const node = this.addNode();
    const count = end - start;
    const o = this.options;
    const splittable = count >= o.minSamplesSplit && count >= 2 * o.minSamplesLeaf && depth < o.maxDepth;
    if (!splittable || !this.findSplit(start, end)) {
      this.value[node] = this.leafValue(start, end);
      return node;
    }
    const feature = this.splitFeature;
    const threshold = this.splitThreshold;
    const nLeft = this.partition(start, end, feature, threshold);
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    const leftChild = this.grow(start, start + nLeft, depth + 1);
    const rightChild = this.grow(start + nLeft, end, depth + 1);
    this.left[node] = leftChild;
    this.right[node] = rightChild;
    return node;
  }

  /**
   * Best variance-reducing split over a random subset of features, left in splitFeature/splitThreshold;
   * when none of them can be split (all values equal, or too few on one side) the remaining features are
   * tried, as sklearn does. False when no feature can be split or the targets are pure (span < epsPurity).
   */
  private findSplit(start: number, end: number): boolean {
    const { d, n, order, columns, y, features } = this;
    const wanted = Math.max(1, Math.floor(d * this.options.ratioFeatures));
    const minLeaf = this.options.minSamplesLeaf;
    const count = end - start;
    let total = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let q = start; q < end; q++) {
      const v = y[order[q]];
      total += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi - lo > this.options.epsPurity)) return false;
    let bestScore = -Infinity;
    let found = false;
    // Partial Fisher-Yates: the first `wanted` drawn features are the candidates, the rest the fallback.
    for (let k = 0; k < d; k++) {
      if (k >= wanted && found) break;
      const pick = k + Math.floor(this.rng() * (d - k));
      const f = features[pick];
      features[pick] = features[k];
      features[k] = f;
      const base = f * n;
      let sumLeft = 0;
      for (let q = start; q < end - 1; q++) {
        const p = order[base + q];
        sumLeft += y[p];
        const nLeft = q - start + 1;
        if (nLeft < minLeaf) continue;
        const nRight = count - nLeft;
        if (nRight < minLeaf) break;
        const here = columns[base + p];
        const nextValue = columns[base + order[base + q + 1]];
        if (nextValue <= here) continue;
        const sumRight = total - sumLeft;
        // Maximising sum^2/n on both sides is minimising the children's squared error.
        const score = (sumLeft * sumLeft) / nLeft + (sumRight * sumRight) / nRight;
        if (score > bestScore) {
          bestScore = score;
          found = true;
          this.splitFeature = f;
          this.splitThreshold = (here + nextValue) / 2;
        }
      }
    }
    return found;
  }

  /** Stable partition of every feature's segment by the split; returns the size of the left part. */
  private partition(start: number, end: number, feature: number, threshold: number): number {
    const { d, n, order, columns, goesLeft, scratch } = this;
    let nLeft = 0;
    const splitBase = feature * n;
    for (let q = start; q < end; q++) {
      const p = order[splitBase + q];
      const left = columns[splitBase + p] <= threshold;
      goesLeft[p] = left ? 1 : 0;
      if (left) nLeft++;
    }
    for (let f = 0; f < d; f++) {
      const base = f * n;
      let l = base + start;
      let r = 0;
      for (let q = base + start; q < base + end; q++) {
        const p = order[q];
        if (goesLeft[p]) order[l++] = p;
        else scratch[r++] = p;
      }
      order.set(scratch.subarray(0, r), l);
    }
    return nLeft;
  }
}
