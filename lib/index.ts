// The public surface of frnas. Each module owns its folder and its index.ts;
// this file only re-exports them, so modules built in different sessions never collide here.
// Data flow: space -> search -> evaluate (train | tabular | function) -> pareto + fairness -> report.
export * from './space/index.js';
export * from './search/index.js';
export * from './pareto/index.js';
export * from './fairness/index.js';
export * from './backend/index.js';
export * from './data/index.js';
export * from './models/index.js';
export * from './train/index.js';
export * from './report/index.js';
export * from './workflows/index.js';
export * from './bench/index.js';
export * from './distributed/index.js';
export * from './posthoc/index.js';
export * from './command/index.js';
export { version } from './version.js';
