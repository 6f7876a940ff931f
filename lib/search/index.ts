// Public surface of lib/search; re-exported by lib/index.ts.
export {};
