// Public surface of lib/data; re-exported by lib/index.ts.
export {};
