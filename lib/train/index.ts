// Public surface of lib/train; re-exported by lib/index.ts.
export {};
