import type { tf } from '../backend/index.js';
import type { DpnCell, DpnScale } from './dpn-shape.js';
import type { ParameterStore } from './parameters.js';

/** A feature extractor: NHWC images -> [n, embeddingSize] embeddings. Owns its variables in `parameters`. */
export interface Backbone {
  readonly name: string;
  readonly embeddingSize: number;
  readonly parameters: ParameterStore;
  /** Embeddings of a batch; `training` switches BatchNorm to batch statistics and updates running ones. */
  forward(x: tf.Tensor4D, training: boolean): tf.Tensor2D;
  dispose(): void;
}

/** Options every backbone factory accepts. */
export interface BackboneBuildOptions {
  /** Image side in pixels (square inputs). */
  imageSize: number;
  /** 1 for grey, 3 for RGB. */
  channels: number;
  embeddingSize: number;
  /** Seed of the weight initialisation. */
  seed: number;
  /** Width multiplier over the family's CPU-sized default (1 = default). */
  width?: number;
  /** DPN only: op indices of edge1, edge2, edge3 (default FR-NAS's 2, 0, 1). */
  cell?: readonly [number, number, number];
  /** DPN only: a cell per stage (stages 1-4); replaces `cell`. */
  stageCells?: readonly [DpnCell, DpnCell, DpnCell, DpnCell];
  /** DPN only: dual-path blocks in each of the 4 stages (default the scale's own, 1 for the presets). */
  blocksPerStage?: number;
  /** DPN only: a preset of `dpnScales` ('tiny', 'small', 'paper') or a full scale. */
  scale?: string | DpnScale;
}

/** Builds a backbone; registered under a name with `registerBackbone`. */
export type BackboneFactory = (options: BackboneBuildOptions) => Backbone;
