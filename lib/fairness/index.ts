// Public surface of lib/fairness; re-exported by lib/index.ts.
export {};
