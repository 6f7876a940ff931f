// Public surface of lib/models; re-exported by lib/index.ts.
export { ParameterStore } from './parameters.js';
export type { NamedParameter, ParameterKind } from './parameters.js';
export { BatchNorm, Conv2d, ConvBnAct, Lambda, Linear, Sequential, activate, globalAveragePool, maxPool, setLeanTraining } from './layers.js';
export type { Activation, Conv2dOptions, ConvBnActOptions, Layer } from './layers.js';
export type { Backbone, BackboneBuildOptions, BackboneFactory } from './backbone.js';
export { Dpn, DpnOperation, DualPathBlock, dpnOperations, dpnScales } from './dpn.js';
export type { DpnCell, DpnOperationKind, DpnOptions, DpnScale, DpnStageCells, DualPathBlockType, DualPathState } from './dpn.js';
export { ArcFace, CosFace, MagFace, SoftmaxHead, additiveAngularTarget, createHead, headNames, magFaceDefaults } from './heads.js';
export type { Head, HeadName, HeadOutput, HeadSettings, MagFaceSettings } from './heads.js';
export { classificationLoss, crossEntropyLoss, focalLoss } from './losses.js';
export type { LossName } from './losses.js';
export { backboneNames, createBackbone, registerBackbone } from './registry.js';
export { LayeredBackbone, backboneFamilies, scaledChannels } from './families.js';
