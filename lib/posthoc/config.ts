import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { describeJsonError, jsonEncodingProblem } from '../util/json-text.js';
import { BACKEND_NAMES, type BackendName } from '../backend/index.js';
import { loadFaceDataset, type FaceDataset, type LoadOptions } from '../data/index.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** The file `frnas init` writes and every command reads from the working directory. */
export const CONFIG_FILE_NAME = 'frnas.config.json';

/** A bad user configuration: the message names the file and the key. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    message: string,
  ) {
    super(`${file}: ${key}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const DATASET_ENTRY_KINDS = ['synthetic', 'orl', 'celeba', 'vggface2', 'rfw', 'folder'] as const;
export type DatasetEntryKind = (typeof DATASET_ENTRY_KINDS)[number];
export type SplitModeName = 'images' | 'identities' | 'official';

/** One named data set of the config file: where it lives and which metadata files describe it. */
export interface DatasetEntry {
  kind: DatasetEntryKind;
  /** Absolute folder (relative paths in the file are resolved against the file's folder). Not for `synthetic`. */
  root?: string;
  /** `folder`: the CSV of identity attributes. */
  attributesFile?: string;
  /** `folder`: the attribute column; `celeba`: the ±1 attribute of the groups. */
  groupBy?: string;
  /** `vggface2`: train, test or all. */
  subset?: 'train' | 'test' | 'all';
  /** How this data set is split (default the loader's own). */
  splitMode?: SplitModeName;
  /** `synthetic`: generator options as in the spec, e.g. `identities=10,images=6`. */
  options?: string;
}

/** Training sizes that are not searched (the same ones the search ran with). */
export interface TrainingSettings {
  model?: string;
  scale?: string;
  imageSize?: number;
  channels?: 1 | 3;
  embeddingSize?: number;
  batchSize?: number;
}

/** The settings a user keeps in config files; every one may be overridden by a CLI flag. */
export interface FrnasSettings {
  backend?: BackendName;
  /** Where `retrain`, `evaluate` and `analyze` write by default. */
  outRoot?: string;
  /** Seeds of the retraining runs (FR-NAS phase 2: 333, 444, 555). */
  seeds?: number[];
  /** Runs trained at once. */
  workers?: number;
  /** Seed of the train / validation / test split; the search's is 0. */
  splitSeed?: number;
  /** Fractions of the evaluation splits. */
  validation?: number;
  test?: number;
  training?: TrainingSettings;
}

/** Config files merged: later files override earlier ones key by key (data sets by name). */
export interface FrnasConfig extends FrnasSettings {
  datasets: Record<string, DatasetEntry>;
  /** The files read, lowest precedence first. */
  files: string[];
  /** Which file set each key (`backend`, `datasets.celeba`, `training.imageSize`, ...). */
  sources: Record<string, string>;
}

export interface ConfigLookup {
  /** An explicit config file (`--config`); it must exist. Replaces the project file. */
  file?: string;
  /** Folder of the project file `frnas.config.json` (default the working directory). */
  cwd?: string;
  /** Environment: `FRNAS_CONFIG` (the project file), `FRNAS_USER_CONFIG`, `XDG_CONFIG_HOME`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home folder of the user file `~/.config/frnas/config.json`. */
  home?: string;
}

/** JSON with `//` and `/* *\/` comments (the template is commented); comments inside strings are kept. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
    } else if (c === '"') {
      inString = true;
      out += c;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      // Keep line breaks so JSON.parse positions still point at the right line.
      const comment = end < 0 ? text.slice(i) : text.slice(i, end + 2);
      out += comment.replace(/[^\n]/g, ' ');
      i += comment.length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TOP_KEYS = ['$comment', 'backend', 'outRoot', 'seeds', 'workers', 'splitSeed', 'validation', 'test', 'training', 'datasets'] as const;
const TRAINING_KEYS = ['model', 'scale', 'imageSize', 'channels', 'embeddingSize', 'batchSize'] as const;
const DATASET_KEYS = ['kind', 'root', 'attributesFile', 'groupBy', 'subset', 'splitMode', 'options'] as const;

/** Reads and checks one config file; paths are resolved against its folder and must exist. */
export function readConfigFile(file: string): FrnasSettings & { datasets: Record<string, DatasetEntry> } {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError(path, '(file)', 'no such config file');
  const bytes = readFileSync(path);
  const encoding = jsonEncodingProblem(bytes);
  if (encoding !== undefined) throw new ConfigError(path, '(file)', encoding);
  const json = stripJsonComments(bytes.toString('utf8'));
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(path, '(file)', `not valid JSON: ${describeJsonError(error as Error, json)}`);
  }
  if (!isObject(raw)) throw new ConfigError(path, '(file)', 'must hold a JSON object');
  const base = dirname(path);
  const fail = (key: string, message: string): never => {
    throw new ConfigError(path, key, message);
  };
  for (const key of Object.keys(raw)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) fail(key, `unknown key; expected one of ${TOP_KEYS.filter((k) => k !== '$comment').join(', ')}`);
  }
  const positiveInteger = (value: Json | undefined, key: string): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return fail(key, `must be a positive integer, found ${JSON.stringify(value)}`);
    return value;
  };
  const fraction = (value: Json | undefined, key: string): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !(value > 0 && value < 1)) return fail(key, `must be a fraction between 0 and 1, found ${JSON.stringify(value)}`);
    return value;
  };
  const text = (value: Json | undefined, key: string): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') return fail(key, `must be a non-empty string, found ${JSON.stringify(value)}`);
    return value;
  };
  const existingPath = (value: Json | undefined, key: string, kind: 'folder' | 'file'): string | undefined => {
    const given = text(value, key);
    if (given === undefined) return undefined;
    const absolute = isAbsolute(given) ? given : resolve(base, given);
    if (!existsSync(absolute)) return fail(key, `${absolute} does not exist`);
    const isFolder = statSync(absolute).isDirectory();
    if (kind === 'folder' && !isFolder) fail(key, `${absolute} is not a folder`);
    if (kind === 'file' && isFolder) fail(key, `${absolute} is a folder, expected a file`);
    return absolute;
  };

  const settings: FrnasSettings & { datasets: Record<string, DatasetEntry> } = { datasets: {} };
  if (raw.backend !== undefined) {
    if (typeof raw.backend !== 'string' || !(BACKEND_NAMES as readonly string[]).includes(raw.backend)) {
      fail('backend', `must be one of ${BACKEND_NAMES.join(', ')}, found ${JSON.stringify(raw.backend)}`);
    }
    settings.backend = raw.backend as BackendName;
  }
  // The output root need not exist yet.
  const outRoot = text(raw.outRoot, 'outRoot');
  if (outRoot !== undefined) settings.outRoot = isAbsolute(outRoot) ? outRoot : resolve(base, outRoot);
  if (raw.seeds !== undefined) {
    const seeds = raw.seeds;
    if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 0)) {
      fail('seeds', `must be a non-empty array of non-negative integers, found ${JSON.stringify(seeds)}`);
    }
    settings.seeds = seeds as number[];
  }
  settings.workers = positiveInteger(raw.workers, 'workers');
  if (raw.splitSeed !== undefined) {
    if (typeof raw.splitSeed !== 'number' || !Number.isInteger(raw.splitSeed)) fail('splitSeed', `must be an integer, found ${JSON.stringify(raw.splitSeed)}`);
    settings.splitSeed = raw.splitSeed as number;
  }
  settings.validation = fraction(raw.validation, 'validation');
  settings.test = fraction(raw.test, 'test');
  if (raw.training !== undefined) {
    const training = raw.training;
    if (!isObject(training)) return fail('training', 'must be an object');
    const t: TrainingSettings = {};
    for (const key of Object.keys(training)) {
      if (!(TRAINING_KEYS as readonly string[]).includes(key)) fail(`training.${key}`, `unknown key; expected one of ${TRAINING_KEYS.join(', ')}`);
    }
    t.model = text(training.model, 'training.model');
    t.scale = text(training.scale, 'training.scale');
    t.imageSize = positiveInteger(training.imageSize, 'training.imageSize');
    t.embeddingSize = positiveInteger(training.embeddingSize, 'training.embeddingSize');
    t.batchSize = positiveInteger(training.batchSize, 'training.batchSize');
    if (training.channels !== undefined) {
      if (training.channels !== 1 && training.channels !== 3) fail('training.channels', `must be 1 or 3, found ${JSON.stringify(training.channels)}`);
      t.channels = training.channels as 1 | 3;
    }
    settings.training = withoutUndefined(t);
  }
  if (raw.datasets !== undefined) {
    if (!isObject(raw.datasets)) return fail('datasets', 'must be an object of named data sets');
    for (const [name, entry] of Object.entries(raw.datasets)) {
      const key = `datasets.${name}`;
      // datasets[name] = ... would set the object's prototype instead.
      if (name === '__proto__') return fail(key, 'cannot name a data set');
      if (!isObject(entry)) return fail(key, 'must be an object { "kind": ..., "root": ... }');
      for (const k of Object.keys(entry)) {
        if (!(DATASET_KEYS as readonly string[]).includes(k)) fail(`${key}.${k}`, `unknown key; expected one of ${DATASET_KEYS.join(', ')}`);
      }
      const kind = entry.kind;
      if (typeof kind !== 'string' || !(DATASET_ENTRY_KINDS as readonly string[]).includes(kind)) {
        return fail(`${key}.kind`, `must be one of ${DATASET_ENTRY_KINDS.join(', ')}, found ${JSON.stringify(kind)}`);
      }
      if (kind !== 'synthetic' && entry.root === undefined) fail(`${key}.root`, `is required for a ${kind} data set`);
      const subset = text(entry.subset, `${key}.subset`);
      if (subset !== undefined && !['train', 'test', 'all'].includes(subset)) fail(`${key}.subset`, `must be train, test or all, found "${subset}"`);
      const splitMode = text(entry.splitMode, `${key}.splitMode`);
      if (splitMode !== undefined && !['images', 'identities', 'official'].includes(splitMode)) {
        fail(`${key}.splitMode`, `must be images, identities or official, found "${splitMode}"`);
      }
      settings.datasets[name] = withoutUndefined({
        kind: kind as DatasetEntryKind,
        root: existingPath(entry.root, `${key}.root`, 'folder'),
        attributesFile: existingPath(entry.attributesFile, `${key}.attributesFile`, 'file'),
        groupBy: text(entry.groupBy, `${key}.groupBy`),
        subset: subset as DatasetEntry['subset'],
        splitMode: splitMode as SplitModeName | undefined,
        options: text(entry.options, `${key}.options`),
      });
    }
  }
  return withoutUndefined(settings);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The config files that apply, lowest precedence first: the user file, then the project file (or `--config`). */
export function configFiles(lookup: ConfigLookup = {}): string[] {
  const env = lookup.env ?? process.env;
  const files: string[] = [];
  const userFile = env.FRNAS_USER_CONFIG ?? join(env.XDG_CONFIG_HOME ?? join(lookup.home ?? homedir(), '.config'), 'frnas', 'config.json');
  if (existsSync(userFile)) files.push(resolve(userFile));
  if (lookup.file !== undefined) {
    if (!existsSync(lookup.file)) throw new ConfigError(resolve(lookup.file), '(file)', 'no such config file (given by --config)');
    files.push(resolve(lookup.file));
  } else if (env.FRNAS_CONFIG !== undefined) {
    if (!existsSync(env.FRNAS_CONFIG)) throw new ConfigError(resolve(env.FRNAS_CONFIG), '(file)', 'no such config file (given by FRNAS_CONFIG)');
    files.push(resolve(env.FRNAS_CONFIG));
  } else {
    const projectFile = join(lookup.cwd ?? process.cwd(), CONFIG_FILE_NAME);
    if (existsSync(projectFile)) files.push(resolve(projectFile));
  }
  return [...new Set(files)];
}

/**
 * Reads the user's config files and merges them: `~/.config/frnas/config.json` (or `FRNAS_USER_CONFIG`), then
 * `./frnas.config.json` (or `FRNAS_CONFIG`, or `--config <file>`). Later files win key by key; CLI flags win over
 * both (`resolveSettings`).
 */
export function loadFrnasConfig(lookup: ConfigLookup = {}): FrnasConfig {
  const config: FrnasConfig = { datasets: {}, files: [], sources: {} };
  for (const file of configFiles(lookup)) {
    const settings = readConfigFile(file);
    config.files.push(file);
    for (const [key, value] of Object.entries(settings)) {
      if (key === 'datasets') {
        for (const [name, entry] of Object.entries(value as Record<string, DatasetEntry>)) {
          config.datasets[name] = entry;
          config.sources[`datasets.${name}`] = file;
        }
      } else if (key === 'training') {
        config.training = { ...config.training, ...(value as TrainingSettings) };
        for (const k of Object.keys(value as TrainingSettings)) config.sources[`training.${k}`] = file;
      } else {
        (config as unknown as Record<string, unknown>)[key] = value;
        config.sources[key] = file;
      }
    }
  }
  return config;
}

/** Settings with every layer applied: built-in defaults < config files < flags (a flag left undefined does not count). */
export function resolveSettings(config: FrnasSettings, flags: FrnasSettings = {}): Required<Omit<FrnasSettings, 'training' | 'backend'>> & Pick<FrnasSettings, 'backend'> & { training: TrainingSettings } {
  const pickValue = <T>(flag: T | undefined, file: T | undefined, fallback: T): T => flag ?? file ?? fallback;
  return {
    backend: flags.backend ?? config.backend,
    outRoot: pickValue(flags.outRoot, config.outRoot, resolve('frnas-runs')),
    seeds: pickValue(flags.seeds, config.seeds, [333, 444, 555]),
    workers: pickValue(flags.workers, config.workers, 1),
    splitSeed: pickValue(flags.splitSeed, config.splitSeed, 0),
    validation: pickValue(flags.validation, config.validation, 0.2),
    test: pickValue(flags.test, config.test, 0.2),
    training: { ...withoutUndefined(config.training ?? {}), ...withoutUndefined(flags.training ?? {}) },
  };
}

/** A data set named in the config (`celeba`) or a spec (`rfw:/data/rfw`, `synthetic:identities=10`) as the CLI takes it. */
export interface ConfiguredDataset {
  dataset: FaceDataset;
  /** The spec that loads it again (recorded in run folders). */
  spec: string;
  splitMode?: SplitModeName;
}

/** The loader spec and options of a config entry. */
export function datasetEntrySpec(entry: DatasetEntry): { spec: string; options: LoadOptions } {
  const spec = entry.kind === 'synthetic' ? (entry.options ? `synthetic:${entry.options}` : 'synthetic') : `${entry.kind}:${entry.root}`;
  const options: LoadOptions = withoutUndefined({ attributesFile: entry.attributesFile, groupBy: entry.groupBy, subset: entry.subset });
  return { spec, options };
}

/** Loads `nameOrSpec`: a data set of the config by name first, otherwise a loader spec. */
export async function openDataset(nameOrSpec: string, config: Pick<FrnasConfig, 'datasets' | 'sources'> = { datasets: {}, sources: {} }): Promise<ConfiguredDataset> {
  const entry = config.datasets[nameOrSpec];
  if (entry) {
    const { spec, options } = datasetEntrySpec(entry);
    try {
      return { dataset: await loadFaceDataset(spec, options), spec, splitMode: entry.splitMode };
    } catch (error) {
      const file = config.sources[`datasets.${nameOrSpec}`] ?? '(config)';
      throw new ConfigError(file, `datasets.${nameOrSpec}`, (error as Error).message);
    }
  }
  return { dataset: await loadFaceDataset(nameOrSpec), spec: nameOrSpec };
}

/** The commented template `frnas init` writes. */
export function configTemplate(): string {
  return `// frnas user configuration (JSON with comments). Every command reads ./${CONFIG_FILE_NAME} (or --config <file>,
// or FRNAS_CONFIG) on top of ~/.config/frnas/config.json; command-line flags override both.
// Relative paths are relative to this file's folder. A wrong path is reported with this file and its key.
{
  // TensorFlow.js backend: "tensorflow" (tfjs-node / tfjs-node-gpu), "wasm" or "cpu".
  "backend": "wasm",
  // Where retrain / evaluate / analyze write when no --out is given.
  "outRoot": "frnas-runs",
  // Seeds of the retraining runs (FR-NAS phase 2 used 333, 444, 555).
  "seeds": [333, 444, 555],
  // Runs trained at once (each in its own worker thread).
  "workers": 1,
  // Train / validation / test split: the search's split seed is 0 and its validation fraction 0.2,
  // so retraining with the same values evaluates on the same validation images.
  "splitSeed": 0,
  "validation": 0.2,
  "test": 0.2,
  // Training sizes that are not searched; keep them equal to the search's.
  "training": {
    "imageSize": 32,
    "batchSize": 64
  },
  // Data sets by name: use the name wherever a command takes --data (e.g. --data celeba).
  "datasets": {
    "synthetic": { "kind": "synthetic", "options": "identities=40,images=8" }
    // Real data sets (uncomment and point at your folders; see docs/data.md for the layouts):
    // "celeba": { "kind": "celeba", "root": "/data/celeba", "groupBy": "Male" },
    // "vggface2": { "kind": "vggface2", "root": "/data/vggface2", "subset": "train" },
    // "rfw": { "kind": "rfw", "root": "/data/rfw" },
    // "lfw": { "kind": "folder", "root": "/data/lfw", "attributesFile": "/data/lfw/attributes.csv", "groupBy": "perceived_sex" }
  }
}
`;
}

/** Writes the template to `file` (default `./frnas.config.json`); an existing file is kept unless `force`. */
export async function writeConfigTemplate(file = CONFIG_FILE_NAME, options: { force?: boolean } = {}): Promise<string> {
  const path = resolve(file);
  if (existsSync(path) && !options.force) throw new ConfigError(path, '(file)', 'exists already; pass --force to overwrite it');
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, configTemplate());
  return path;
}
