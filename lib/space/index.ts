// Public surface of lib/space; re-exported by lib/index.ts.
export {};
