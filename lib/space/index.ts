// Public surface of lib/space; re-exported by lib/index.ts.
export * from './types.js';
export { Space, SpaceError } from './space.js';
