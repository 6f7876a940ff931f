// Public surface of lib/backend; re-exported by lib/index.ts. The only module that imports @tensorflow/*.
export { tf } from './tf.js';
export {
  initBackend, activeBackend, describeBackend, parseBackendName, backendFromArgv, BACKEND_NAMES,
} from './init.js';
export type { BackendName, InitBackendOptions } from './init.js';
export { installGradientRelease, setGradientRelease } from './release.js';
export { registerWasmKernels, builtinWasmKernel, WASM_ADDED_KERNELS, WASM_REPLACED_KERNELS } from './wasm_kernels.js';
export type { WasmKernelReport } from './wasm_kernels.js';
export {
  gatherRows, pickPerRow, labelMask, groupedConv2d, chooseGroupedConvMethod, batchNormTrain, leanRelu,
} from './ops.js';
export type { GroupedConvMethod } from './ops.js';
