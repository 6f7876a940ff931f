import seedrandom from 'seedrandom';
import type { DpnScale } from '../../lib/models/dpn.js';
import type { FaceArrays } from '../../lib/train/face-arrays.js';
import type { FaceTrainingSpec } from '../../lib/train/trainer.js';

/** A DPN far smaller than 'tiny' so that training steps take milliseconds on the cpu backend. */
export const microDpn: DpnScale = {
  stemChannels: 8,
  stemKernel: 3,
  stemStride: 1,
  stemPool: true,
  kR: 8,
  groups: 2,
  increments: [2, 4, 4, 4],
  bandwidths: [8, 8, 16, 16],
  blocksPerStage: [1, 1, 1, 1],
  embeddingSize: 12,
};

/** Seeded random grey images: `identities` people, `perIdentity` images each, groups M/F alternating by identity. */
export function randomFaces(identities: number, perIdentity: number, size: number, seed = 1): FaceArrays {
  const rng = seedrandom(String(seed));
  const n = identities * perIdentity;
  return {
    images: Float32Array.from({ length: n * size * size }, () => rng()),
    size,
    channels: 1,
    identities: Int32Array.from({ length: n }, (_, i) => Math.floor(i / perIdentity)),
    groups: Array.from({ length: n }, (_, i) => (Math.floor(i / perIdentity) % 2 ? 'F' : 'M')),
  };
}

export function microSpec(overrides: Partial<FaceTrainingSpec> = {}): FaceTrainingSpec {
  return {
    model: 'dpn',
    cell: [2, 0, 1],
    scale: microDpn,
    imageSize: 8,
    channels: 1,
    embeddingSize: 12,
    head: 'CosFace',
    loss: 'focal',
    optimizer: 'SGD',
    learningRate: 0.05,
    momentum: 0.9,
    weightDecay: 1e-4,
    nesterov: false,
    schedule: 'cosine',
    batchSize: 8,
    seed: 7,
    flip: true,
    maxEpochs: 4,
    ...overrides,
  };
}
