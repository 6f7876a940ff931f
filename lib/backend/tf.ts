// The one place frnas imports TensorFlow.js core; every other module takes `tf` from lib/backend.
// Backend selection (tfjs-node-gpu / tfjs-node / wasm / cpu) and the added wasm kernels live beside this file.
import * as tf from '@tensorflow/tfjs';

export { tf };
