// Public surface of lib/backend; re-exported by lib/index.ts.
export { tf } from './tf.js';
