// Public surface of lib/pareto; re-exported by lib/index.ts.
export {};
