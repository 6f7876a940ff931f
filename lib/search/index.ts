// Public surface of lib/search; re-exported by lib/index.ts.
export * from './types.js';
export { paregoScalarize, randomSimplexWeights } from './promotion/parego.js';
