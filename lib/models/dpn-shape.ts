// The shape of a DPN (its cell and its widths), apart from dpn.ts so that backbone.ts can name them in its build
// options without importing the network that implements Backbone.

/** The three op indices of a cell: slot a (1x1 position), b (grouped, strided), c (output). */
export type DpnCell = readonly [number, number, number];

/** Width/depth of a DPN. `kR` is the middle width of the first stage; stage s uses kR * bandwidth[s] / bandwidth[0]. */
export interface DpnScale {
  stemChannels: number;
  stemKernel: number;
  stemStride: number;
  stemPool: boolean;
  kR: number;
  groups: number;
  increments: readonly [number, number, number, number];
  bandwidths: readonly [number, number, number, number];
  blocksPerStage: readonly [number, number, number, number];
  embeddingSize: number;
}
