import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaceArrays } from './face-arrays.js';
import type { FaceTrainer, FaceTrainingSpec } from './trainer.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** One tensor's place in the weights file (float32, little-endian). */
export interface CheckpointTensorEntry {
  name: string;
  section: 'parameter' | 'optimizer';
  length: number;
  /** Offset in float32 elements. */
  offset: number;
}

/** `epoch-<n>.json`, written after its `epoch-<n>.bin` so a manifest always has complete weights. */
export interface CheckpointManifest {
  format: 'frnas-checkpoint';
  version: 1;
  /** Must equal the resuming run's fingerprint: same spec (incl. maxEpochs, seed) and number of classes. */
  fingerprint: string;
  spec: FaceTrainingSpec;
  classes: number;
  epochsDone: number;
  optimizerStep: number;
  /** Shuffles and flips are seeded by (seed, epoch): epochsDone is the whole random state to restore. */
  rng: { scheme: 'seed-epoch'; seed: number };
  weightsFile: string;
  tensors: CheckpointTensorEntry[];
  createdAt: string;
}

/**
 * What must match for a checkpoint to be continued: the full training spec, the class count and the
 * training data's signature (see `faceArraysSignature`; empty when unknown).
 */
export function trainingFingerprint(spec: FaceTrainingSpec, classes: number, dataSignature = ''): string {
  const sorted = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({ spec: sorted, classes, data: dataSignature });
}

/** The training-data signature a checkpoint was made with (part of its fingerprint). */
export function checkpointDataSignature(manifest: CheckpointManifest): string {
  const parsed = JSON.parse(manifest.fingerprint) as { data?: unknown };
  return typeof parsed.data === 'string' ? parsed.data : '';
}

/** A cheap signature of a training set (size, shape, identities, a strided pixel checksum), so a checkpoint of other data is not continued. */
export function faceArraysSignature(data: FaceArrays): string {
  let identityHash = 0;
  for (const identity of data.identities) identityHash = (Math.imul(identityHash, 31) + identity) | 0;
  let pixelSum = 0;
  const stride = Math.max(1, Math.floor(data.images.length / 4096));
  for (let i = 0; i < data.images.length; i += stride) pixelSum += data.images[i];
  return `${data.identities.length}x${data.size}x${data.size}x${data.channels}:${identityHash}:${pixelSum.toFixed(3)}`;
}

/** Writes weights, BatchNorm statistics, optimizer slots and position of `trainer` to `dir`. Returns the manifest path. */
export async function saveCheckpoint(trainer: FaceTrainer, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const tensors: CheckpointTensorEntry[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  const add = (name: string, section: CheckpointTensorEntry['section'], values: Float32Array): void => {
    tensors.push({ name, section, length: values.length, offset });
    chunks.push(values);
    offset += values.length;
  };
  for (const [name, values] of trainer.backbone.parameters.snapshot()) add(name, 'parameter', values);
  const optimizerState = trainer.optimizer.saveState();
  for (const [name, values] of optimizerState.slots) add(name, 'optimizer', values);
  const all = new Float32Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  const base = `epoch-${trainer.epochsDone}`;
  const manifest: CheckpointManifest = {
    format: 'frnas-checkpoint',
    version: 1,
    fingerprint: trainingFingerprint(trainer.spec, trainer.classes, trainer.dataSignature),
    spec: trainer.spec,
    classes: trainer.classes,
    epochsDone: trainer.epochsDone,
    optimizerStep: optimizerState.step,
    rng: { scheme: 'seed-epoch', seed: trainer.spec.seed },
    weightsFile: `${base}.bin`,
    tensors,
    createdAt: new Date().toISOString(),
  };
  // Each file is written whole or not at all, weights before manifest: a crash never leaves a half-written checkpoint.
  await writeFileAtomic(join(dir, `${base}.bin`), new Uint8Array(all.buffer, all.byteOffset, all.byteLength));
  await writeFileAtomic(join(dir, `${base}.json`), JSON.stringify(manifest, null, 1));
  return join(dir, `${base}.json`);
}

/** The manifests in `dir` (none when the directory does not exist), sorted by epochsDone. */
export async function listCheckpoints(dir: string): Promise<CheckpointManifest[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const manifests: CheckpointManifest[] = [];
  for (const name of names.filter((n) => /^epoch-\d+\.json$/.test(n))) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, name), 'utf8')) as CheckpointManifest;
      if (manifest.format === 'frnas-checkpoint' && manifest.version === 1) manifests.push(manifest);
    } catch {
      // An unreadable manifest is not a checkpoint; training starts from an earlier one or from scratch.
    }
  }
  return manifests.sort((a, b) => a.epochsDone - b.epochsDone);
}

/** The latest checkpoint in `dir` with the trainer's fingerprint and at most `maxEpochs` epochs done. */
export async function findCheckpoint(trainer: FaceTrainer, dir: string, maxEpochs: number): Promise<CheckpointManifest | undefined> {
  const fingerprint = trainingFingerprint(trainer.spec, trainer.classes, trainer.dataSignature);
  const usable = (await listCheckpoints(dir)).filter((m) => m.fingerprint === fingerprint && m.epochsDone <= maxEpochs);
  return usable.at(-1);
}

/**
 * Restores `trainer` (weights, BatchNorm statistics, optimizer, epochs done) from a manifest in `dir`.
 * `anyData`: the trainer only evaluates (e.g. transfer to another data set), so the checkpoint must match its model
 * (spec and classes) but not its training data; continuing training always requires the same data.
 */
export async function loadCheckpoint(trainer: FaceTrainer, dir: string, manifest: CheckpointManifest, options: { anyData?: boolean } = {}): Promise<void> {
  const dataSignature = options.anyData ? checkpointDataSignature(manifest) : trainer.dataSignature;
  if (manifest.fingerprint !== trainingFingerprint(trainer.spec, trainer.classes, dataSignature)) {
    throw new Error(`checkpoint in ${dir} was made for a different configuration or data set`);
  }
  const bytes = await readFile(join(dir, manifest.weightsFile));
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const all = new Float32Array(copy.buffer);
  const parameters = new Map<string, Float32Array>();
  const slots = new Map<string, Float32Array>();
  for (const entry of manifest.tensors) {
    if (entry.offset + entry.length > all.length) throw new Error(`checkpoint ${manifest.weightsFile} is truncated`);
    const values = all.subarray(entry.offset, entry.offset + entry.length);
    (entry.section === 'parameter' ? parameters : slots).set(entry.name, values);
  }
  trainer.backbone.parameters.restore(parameters);
  trainer.optimizer.restoreState({ step: manifest.optimizerStep, slots });
  trainer.epochsDone = manifest.epochsDone;
}

/** Deletes the checkpoint `epoch-<epochs>` in `dir` (manifest first, so no manifest points at missing weights). */
export async function removeCheckpoint(dir: string, epochs: number): Promise<void> {
  await rm(join(dir, `epoch-${epochs}.json`), { force: true });
  await rm(join(dir, `epoch-${epochs}.bin`), { force: true });
}
