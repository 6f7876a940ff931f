// Public surface of lib/data; re-exported by lib/index.ts.
export { FaceDataset, type DatasetSplits, type FaceDatasetInit, type PixelRenderer } from './dataset.js';
export type {
  BatchOptions,
  FaceBatch,
  FaceItem,
  FaceItemInput,
  FilterOptions,
  GroupCount,
  ImageOptions,
  ImageSource,
  Partition,
  SplitMode,
  SplitOptions,
  VerificationPair,
} from './types.js';
export { loadFaceDataset, DATASET_KINDS, type LoadOptions } from './load.js';
export { syntheticFaces, type SyntheticFaceOptions } from './synthetic.js';
export { loadFolderDataset, loadOrl, type FolderOptions } from './loaders/folder.js';
export { loadCelebA, type CelebAOptions } from './loaders/celeba.js';
export { loadVggFace2, type VggFace2Options } from './loaders/vggface2.js';
export { loadRfw } from './loaders/rfw.js';
export {
  decodeImage,
  decodePixels,
  parsePgm,
  pixelsToFloats,
  IMAGE_EXTENSIONS,
  type CropMode,
  type DecodeOptions,
  type GreyImage,
  type Normalization,
  type PixelOptions,
} from './decode.js';
export { ImageCache, sharedImageCache, DEFAULT_IMAGE_CACHE_BYTES } from './cache.js';
export { DataError } from './errors.js';
