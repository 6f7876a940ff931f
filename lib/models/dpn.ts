import { tf } from '../backend/index.js';
import type { Backbone } from './backbone.js';
import { activate, BatchNorm, Conv2d, globalAveragePool, Linear, maxPool, relu, type Layer } from './layers.js';
import type { DpnCell, DpnScale } from './dpn-shape.js';
import { ParameterStore } from './parameters.js';

export type { DpnCell, DpnScale } from './dpn-shape.js';

/**
 * The nine candidate operations of an FR-NAS DPN cell edge (frnas.md §2), by op index:
 * 0-2 BN-ReLU-conv, 3-5 conv, 6-8 conv-BN-ReLU, with kernels 3, 1, 5 in each group.
 */
export const dpnOperations = [
  { index: 0, kind: 'bnReluConv', kernel: 3 },
  { index: 1, kind: 'bnReluConv', kernel: 1 },
  { index: 2, kind: 'bnReluConv', kernel: 5 },
  { index: 3, kind: 'conv', kernel: 3 },
  { index: 4, kind: 'conv', kernel: 1 },
  { index: 5, kind: 'conv', kernel: 5 },
  { index: 6, kind: 'convBnRelu', kernel: 3 },
  { index: 7, kind: 'convBnRelu', kernel: 1 },
  { index: 8, kind: 'convBnRelu', kernel: 5 },
] as const;

export type DpnOperationKind = (typeof dpnOperations)[number]['kind'];

/** One edge of the cell: the op chosen by its index, with the slot's channels, stride and groups. */
export class DpnOperation implements Layer {
  readonly kind: DpnOperationKind;
  readonly conv: Conv2d;
  readonly bn?: BatchNorm;

  constructor(
    store: ParameterStore,
    name: string,
    opIndex: number,
    options: { inChannels: number; outChannels: number; stride: number; groups: number },
  ) {
    const op = dpnOperations[opIndex];
    if (!Number.isInteger(opIndex) || !op) throw new Error(`DPN op index must be an integer in 0..8, got ${opIndex}`);
    this.kind = op.kind;
    this.conv = new Conv2d(store, `${name}.conv`, { ...options, kernel: op.kernel });
    // BN sits before the conv (on its input channels) or after it (on its output channels).
    if (op.kind === 'bnReluConv') this.bn = new BatchNorm(store, `${name}.bn`, options.inChannels);
    if (op.kind === 'convBnRelu') this.bn = new BatchNorm(store, `${name}.bn`, options.outChannels);
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => {
      switch (this.kind) {
        case 'bnReluConv':
          return this.conv.apply(relu(this.bn!.apply(x, training), training));
        case 'conv':
          return this.conv.apply(x);
        case 'convBnRelu':
          return relu(this.bn!.apply(this.conv.apply(x), training), training);
      }
    });
  }
}

/** BN-ReLU-conv unit of the (not searched) projection shortcut, as timm's BnActConv2d. */
class BnReluConv implements Layer {
  readonly bn: BatchNorm;
  readonly conv: Conv2d;
  constructor(store: ParameterStore, name: string, inChannels: number, outChannels: number, kernel: number, stride: number) {
    this.bn = new BatchNorm(store, `${name}.bn`, inChannels);
    this.conv = new Conv2d(store, `${name}.conv`, { inChannels, outChannels, kernel, stride });
  }
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => this.conv.apply(relu(this.bn.apply(x, training), training)));
  }
}


export type DualPathBlockType = 'proj' | 'down' | 'normal';

/** The two paths between blocks: residual (added to) and dense (concatenated to). */
export interface DualPathState {
  residual: tf.Tensor4D;
  dense: tf.Tensor4D;
}

/**
 * A dual-path block (Chen et al. 2017, timm's DualPathBlock) whose three convolutions are the cell's ops.
 * Output: residual = shortcut residual + first `bandwidth` channels of slot c;
 * dense = concat(shortcut dense, last `increment` channels of slot c).
 */
export class DualPathBlock {
  readonly projection?: BnReluConv;
  readonly a: DpnOperation;
  readonly b: DpnOperation;
  readonly c: DpnOperation;

  constructor(
    store: ParameterStore,
    name: string,
    cell: DpnCell,
    readonly spec: {
      inChannels: number;
      middle: number;
      bandwidth: number;
      increment: number;
      groups: number;
      type: DualPathBlockType;
    },
  ) {
    const { inChannels, middle, bandwidth, increment, groups, type } = spec;
    const stride = type === 'down' ? 2 : 1;
    if (type !== 'normal') {
      this.projection = new BnReluConv(store, `${name}.c1x1_w`, inChannels, bandwidth + 2 * increment, 1, stride);
    }
    this.a = new DpnOperation(store, `${name}.a`, cell[0], { inChannels, outChannels: middle, stride: 1, groups: 1 });
    this.b = new DpnOperation(store, `${name}.b`, cell[1], { inChannels: middle, outChannels: middle, stride, groups });
    this.c = new DpnOperation(store, `${name}.c`, cell[2], {
      inChannels: middle,
      outChannels: bandwidth + increment,
      stride: 1,
      groups: 1,
    });
  }

  apply(input: tf.Tensor4D | DualPathState, training: boolean): DualPathState {
    return tf.tidy(() => {
      const { bandwidth } = this.spec;
      const x = input instanceof tf.Tensor ? input : tf.concat([input.residual, input.dense], 3);
      let shortcutResidual: tf.Tensor4D;
      let shortcutDense: tf.Tensor4D;
      if (this.projection) {
        const s = this.projection.apply(x, training);
        const channels = s.shape[3];
        shortcutResidual = tf.slice(s, [0, 0, 0, 0], [-1, -1, -1, bandwidth]);
        shortcutDense = tf.slice(s, [0, 0, 0, bandwidth], [-1, -1, -1, channels - bandwidth]);
      } else {
        if (input instanceof tf.Tensor) throw new Error('a normal dual-path block needs the (residual, dense) pair');
        shortcutResidual = input.residual;
        shortcutDense = input.dense;
      }
      const h = this.c.apply(this.b.apply(this.a.apply(x, training), training), training);
      const outResidual = tf.slice(h, [0, 0, 0, 0], [-1, -1, -1, bandwidth]);
      const outDense = tf.slice(h, [0, 0, 0, bandwidth], [-1, -1, -1, h.shape[3] - bandwidth]);
      return { residual: tf.add(shortcutResidual, outResidual) as tf.Tensor4D, dense: tf.concat([shortcutDense, outDense], 3) };
    });
  }
}


/**
 * Presets. `paper` is FR-NAS's network (stem 128 7x7/2 + max-pool, k_r 200, groups 50, inc 20/64/64/128,
 * bandwidth 256..2048, one block per stage, for 112-224 px inputs on a GPU); `tiny` and `small` keep the same
 * structure at CPU sizes (3x3 stride-1 stem + max-pool, for 16-64 px inputs).
 */
export const dpnScales: Record<'tiny' | 'small' | 'paper', DpnScale> = {
  tiny: {
    stemChannels: 16,
    stemKernel: 3,
    stemStride: 1,
    stemPool: true,
    kR: 16,
    groups: 4,
    increments: [4, 8, 8, 16],
    bandwidths: [16, 32, 64, 128],
    blocksPerStage: [1, 1, 1, 1],
    embeddingSize: 64,
  },
  small: {
    stemChannels: 32,
    stemKernel: 3,
    stemStride: 1,
    stemPool: true,
    kR: 32,
    groups: 8,
    increments: [8, 16, 16, 32],
    bandwidths: [32, 64, 128, 256],
    blocksPerStage: [1, 1, 1, 1],
    embeddingSize: 128,
  },
  paper: {
    stemChannels: 128,
    stemKernel: 7,
    stemStride: 2,
    stemPool: true,
    kR: 200,
    groups: 50,
    increments: [20, 64, 64, 128],
    bandwidths: [256, 512, 1024, 2048],
    blocksPerStage: [1, 1, 1, 1],
    embeddingSize: 512,
  },
};

/** One cell per stage (stages 1-4), for the extended space's per-stage choices. */
export type DpnStageCells = readonly [DpnCell, DpnCell, DpnCell, DpnCell];

export interface DpnOptions {
  /** Op indices of edge1, edge2, edge3, shared by every block unless `stageCells` is given. */
  cell: DpnCell;
  /** A cell per stage; replaces `cell` (the shared-cell network is the special case of four equal cells). */
  stageCells?: DpnStageCells;
  imageSize: number;
  channels: number;
  seed: number;
  /** A preset name or a full scale; `overrides` replace single fields. */
  scale?: keyof typeof dpnScales | DpnScale;
  overrides?: Partial<DpnScale>;
}

/** The FR-NAS DPN: stem, 4 stages of dual-path blocks sharing one cell (or one per stage), BN-ReLU, GAP, linear embedding + BN. */
export class Dpn implements Backbone {
  readonly name: string;
  readonly parameters: ParameterStore;
  readonly embeddingSize: number;
  readonly scale: DpnScale;
  /** The cell of each stage (four times the shared cell unless per-stage cells were given). */
  readonly stageCells: DpnStageCells;
  readonly stem: Conv2d;
  readonly stemBn: BatchNorm;
  readonly blocks: DualPathBlock[] = [];
  readonly finalBn: BatchNorm;
  readonly embedding: Linear;
  readonly embeddingBn: BatchNorm;

  constructor(options: DpnOptions) {
    const base = typeof options.scale === 'object' ? options.scale : dpnScales[options.scale ?? 'tiny'];
    if (!base) throw new Error(`unknown DPN scale: ${String(options.scale)}`);
    const scale: DpnScale = { ...base, ...options.overrides };
    this.scale = scale;
    if (options.stageCells && options.stageCells.length !== 4) throw new Error(`DPN stageCells needs 4 cells, got ${options.stageCells.length}`);
    const cells: DpnStageCells = options.stageCells ?? [options.cell, options.cell, options.cell, options.cell];
    this.stageCells = cells;
    // Same name as the shared-cell network when every stage has the same cell (it is the same network).
    const shared = cells.every((c) => c.join('') === cells[0].join(''));
    this.name = shared ? `dpn-${cells[0].join('')}` : `dpn-${cells.map((c) => c.join('')).join('-')}`;
    this.parameters = new ParameterStore(options.seed);
    this.embeddingSize = scale.embeddingSize;
    const store = this.parameters;
    this.stem = new Conv2d(store, 'stem.conv', {
      inChannels: options.channels,
      outChannels: scale.stemChannels,
      kernel: scale.stemKernel,
      stride: scale.stemStride,
    });
    this.stemBn = new BatchNorm(store, 'stem.bn', scale.stemChannels);
    let inChannels = scale.stemChannels;
    for (let s = 0; s < 4; s++) {
      const bandwidth = scale.bandwidths[s];
      const increment = scale.increments[s];
      const middle = Math.round((scale.kR * bandwidth) / scale.bandwidths[0]);
      if (middle % scale.groups !== 0) {
        throw new Error(`DPN stage ${s + 1}: middle width ${middle} not divisible by groups ${scale.groups}`);
      }
      for (let k = 0; k < scale.blocksPerStage[s]; k++) {
        const type: DualPathBlockType = k > 0 ? 'normal' : s === 0 ? 'proj' : 'down';
        const block = new DualPathBlock(store, `stage${s + 1}.block${k + 1}`, cells[s], {
          inChannels,
          middle,
          bandwidth,
          increment,
          groups: scale.groups,
          type,
        });
        this.blocks.push(block);
        inChannels = type === 'normal' ? inChannels + increment : bandwidth + 3 * increment;
      }
    }
    this.finalBn = new BatchNorm(store, 'final.bn', inChannels);
    this.embedding = new Linear(store, 'embedding.fc', inChannels, scale.embeddingSize, false);
    this.embeddingBn = new BatchNorm(store, 'embedding.bn', scale.embeddingSize);
  }

  forward(x: tf.Tensor4D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      let h = activate(this.stemBn.apply(this.stem.apply(x), training), 'relu', training);
      if (this.scale.stemPool) h = maxPool(h, 3, 2);
      let state: tf.Tensor4D | DualPathState = h;
      for (const block of this.blocks) state = block.apply(state, training);
      const paths = state as DualPathState;
      const joined = relu(this.finalBn.apply(tf.concat([paths.residual, paths.dense], 3), training), training);
      return this.embeddingBn.apply(this.embedding.apply(globalAveragePool(joined)), training);
    });
  }

  dispose(): void {
    this.parameters.dispose();
  }
}
