// The one place frnas imports TensorFlow.js core; every other module takes `tf` from lib/backend.
// Backend selection (tfjs-node-gpu / tfjs-node / wasm / cpu) and the added wasm kernels live beside this file.
//
// `tf` is loaded on first use, not at import: `import { optimize } from 'frnas'` must not pay ~1 s for TensorFlow.js
// (test/package/lazy-imports.test.ts). `@tensorflow/tfjs` has no "exports" map, so Node's `import` of it loads the same
// CommonJS file (`main`) that `require` loads: users who import '@tensorflow/tfjs' themselves share this instance.
import { createRequire } from 'node:module';
import type * as TfModule from '@tensorflow/tfjs';

const requireModule = createRequire(import.meta.url);
let loaded: typeof TfModule | undefined;

function tfModule(): typeof TfModule {
  loaded ??= requireModule('@tensorflow/tfjs') as typeof TfModule;
  return loaded;
}

/** TensorFlow.js, loaded on the first property read. */
export const tf: typeof TfModule = new Proxy({} as typeof TfModule, {
  get: (_target, key) => Reflect.get(tfModule(), key) as unknown,
  has: (_target, key) => Reflect.has(tfModule(), key),
  ownKeys: () => Reflect.ownKeys(tfModule()),
  getOwnPropertyDescriptor: (_target, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(tfModule(), key);
    // The proxy's target is an empty object: a descriptor it reports must be configurable to satisfy the Proxy invariants.
    return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
  },
});

// The types of `tf.X` in type positions (`x: tf.Tensor4D`), which a const alone does not carry.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace tf {
  export type Rank = TfModule.Rank;
  export type Tensor<R extends TfModule.Rank = TfModule.Rank> = TfModule.Tensor<R>;
  export type Scalar = TfModule.Scalar;
  export type Tensor1D = TfModule.Tensor1D;
  export type Tensor2D = TfModule.Tensor2D;
  export type Tensor3D = TfModule.Tensor3D;
  export type Tensor4D = TfModule.Tensor4D;
  export type Variable<R extends TfModule.Rank = TfModule.Rank> = TfModule.Variable<R>;
  export type DataType = TfModule.DataType;
  export type DataId = TfModule.DataId;
  export type TensorInfo = TfModule.TensorInfo;
  export type NamedTensorMap = TfModule.NamedTensorMap;
  export type NamedTensorInfoMap = TfModule.NamedTensorInfoMap;
  export type NamedAttrMap = TfModule.NamedAttrMap;
  export type KernelFunc = TfModule.KernelFunc;
  export type KernelConfig = TfModule.KernelConfig;
  export type TensorLike = TfModule.TensorLike;
  export type MemoryInfo = TfModule.MemoryInfo;
  export type Optimizer = TfModule.Optimizer;
  export type GradSaveFunc = TfModule.GradSaveFunc;
}
