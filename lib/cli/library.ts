// Everything the CLI uses, from every module: the CLI is the whole product, so it takes names from the modules' own
// index files instead of the package root (lib/index.ts), which keeps only the user-facing names.
export * from '../space/index.js';
export * from '../search/index.js';
export * from '../pareto/index.js';
export * from '../fairness/index.js';
export * from '../backend/index.js';
export * from '../data/index.js';
export * from '../models/index.js';
export * from '../train/index.js';
export * from '../report/index.js';
export * from '../workflows/index.js';
export * from '../bench/index.js';
export * from '../distributed/index.js';
export * from '../posthoc/index.js';
export * from '../results/index.js';
export * from '../dashboard/index.js';
export * from '../command/index.js';
export { version } from '../version.js';
