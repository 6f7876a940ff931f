import type { FaceDataset } from './dataset.js';
import { DataError } from './errors.js';
import { loadCelebA, type CelebAOptions } from './loaders/celeba.js';
import { loadFolderDataset, loadOrl, type FolderOptions } from './loaders/folder.js';
import { loadRfw } from './loaders/rfw.js';
import { loadVggFace2, type VggFace2Options } from './loaders/vggface2.js';
import { syntheticFaces, type SyntheticFaceOptions } from './synthetic.js';

/** Options for `loadFaceDataset`; each loader reads the ones that concern it. */
export interface LoadOptions extends FolderOptions, CelebAOptions, VggFace2Options {
  /** Options of the synthetic generator (also settable in the spec: `synthetic:identities=40,seed=3`). */
  synthetic?: SyntheticFaceOptions;
}

export const DATASET_KINDS = ['synthetic', 'orl', 'celeba', 'vggface2', 'rfw', 'folder'] as const;

/**
 * Loads a data set from the CLI's `--data` spec: `synthetic`, `synthetic:<key>=<value>,...`, `orl:<dir>`,
 * `celeba:<dir>`, `vggface2:<dir>`, `rfw:<dir>` or `folder:<dir>`.
 */
export async function loadFaceDataset(spec: string, options: LoadOptions = {}): Promise<FaceDataset> {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const argument = colon < 0 ? '' : spec.slice(colon + 1);
  if (kind === 'synthetic') return syntheticFaces({ ...options.synthetic, ...parseSyntheticSpec(argument, spec) });
  if (!(DATASET_KINDS as readonly string[]).includes(kind)) {
    throw new DataError(`unknown data set "${spec}"; expected one of synthetic, ${DATASET_KINDS.slice(1).map((name) => `${name}:<dir>`).join(', ')}`);
  }
  if (argument === '') throw new DataError(`data set "${spec}" needs a folder: ${kind}:<dir>`);
  switch (kind) {
    case 'orl':
      return loadOrl(argument, options);
    case 'celeba':
      return loadCelebA(argument, options);
    case 'vggface2':
      return loadVggFace2(argument, options);
    case 'rfw':
      return loadRfw(argument);
    default:
      return loadFolderDataset(argument, options);
  }
}

/** `identities=40,imagesPerIdentity=8,difficulty=0.3,seed=2,groups=a|b` → options. */
function parseSyntheticSpec(argument: string, spec: string): SyntheticFaceOptions {
  const options: SyntheticFaceOptions = {};
  if (argument === '') return options;
  for (const pair of argument.split(',')) {
    const [key, value] = pair.split('=');
    const number = Number(value);
    const needNumber = (): number => {
      if (value === undefined || value === '' || !Number.isFinite(number)) throw new DataError(`data set "${spec}": ${key} needs a number, found "${value ?? ''}"`);
      return number;
    };
    switch (key) {
      case 'identities':
        options.identities = needNumber();
        break;
      case 'imagesPerIdentity':
      case 'images':
        options.imagesPerIdentity = needNumber();
        break;
      case 'difficulty':
        options.difficulty = needNumber();
        break;
      case 'noise':
        options.noise = needNumber();
        break;
      case 'seed':
        options.seed = needNumber();
        break;
      case 'groups':
        options.groups = (value ?? '').split('|');
        break;
      default:
        throw new DataError(`data set "${spec}": unknown synthetic option "${key}"; expected identities, imagesPerIdentity, difficulty, noise, seed, groups`);
    }
  }
  return options;
}
