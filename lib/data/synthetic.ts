import type { Rng } from '../space/types.js';
import { FaceDataset } from './dataset.js';
import { gaussian, seededRng } from './random.js';
import type { FaceItem, FaceItemInput } from './types.js';

export interface SyntheticFaceOptions {
  /** Number of identities. Default 20. */
  identities?: number;
  /** Images per identity. Default 10. */
  imagesPerIdentity?: number;
  /** Protected group names; identity i belongs to groups[i % groups.length]. Default `groupA`, `groupB`. */
  groups?: readonly string[];
  /**
   * In [0, 1]. The last group's identity templates are pulled towards their group mean by a factor
   * 1 - 0.7*difficulty (they look more alike) and its per-image noise grows by 1 + difficulty; groups in
   * between get a proportional share, the first group none. 0 = all groups equally hard. Default 0.5.
   */
  difficulty?: number;
  /** Standard deviation of per-pixel noise (image values in [0, 1]) for the easiest group. Default 0.05. */
  noise?: number;
  /** Default 0. */
  seed?: number | string;
}

/** A smooth blob added to the face: position in [-1, 1]^2 face coordinates, width, signed brightness. */
interface Blob {
  x: number;
  y: number;
  sigma: number;
  amplitude: number;
}

/** The face of one identity: the shared face plan plus identity-specific geometry, tone and features. */
interface FaceTemplate {
  tone: number;
  tint: [number, number, number];
  faceWidth: number;
  faceHeight: number;
  eyeSpacing: number;
  eyeHeight: number;
  eyeSize: number;
  mouthWidth: number;
  mouthHeight: number;
  blobs: Blob[];
  wave: { fx: number; fy: number; phase: number; amplitude: number };
}

const FEATURE_BLOBS = 6;

/** Identity deviations from the group mean, as independent standard normal draws. */
function templateDeviation(rng: Rng): number[] {
  return Array.from({ length: 8 + FEATURE_BLOBS * 4 + 3 }, () => gaussian(rng));
}

/** Builds a template from a group mean deviation plus the identity's own deviation scaled by `spread`. */
function buildTemplate(groupMean: readonly number[], own: readonly number[], spread: number, phaseRng: Rng): FaceTemplate {
  const d = (index: number): number => groupMean[index] * 0.5 + own[index] * spread;
  const blobs: Blob[] = [];
  for (let b = 0; b < FEATURE_BLOBS; b++) {
    const base = 8 + b * 4;
    blobs.push({
      x: Math.tanh(0.5 * d(base)) * 0.55,
      y: Math.tanh(0.5 * d(base + 1)) * 0.65,
      sigma: 0.12 + 0.05 * Math.abs(d(base + 2)),
      amplitude: 0.22 * d(base + 3),
    });
  }
  const tintBase = 8 + FEATURE_BLOBS * 4;
  return {
    tone: 0.62 + 0.08 * d(0),
    tint: [1, 0.86 + 0.05 * d(tintBase), 0.74 + 0.06 * d(tintBase + 1)],
    faceWidth: 0.62 + 0.05 * d(1),
    faceHeight: 0.8 + 0.05 * d(2),
    eyeSpacing: 0.28 + 0.04 * d(3),
    eyeHeight: -0.15 + 0.04 * d(4),
    eyeSize: 0.085 + 0.015 * d(5),
    mouthWidth: 0.2 + 0.04 * d(6),
    mouthHeight: 0.42 + 0.04 * d(7),
    blobs,
    wave: { fx: 1 + 2 * phaseRng(), fy: 1 + 2 * phaseRng(), phase: 2 * Math.PI * phaseRng(), amplitude: 0.06 * spread * d(tintBase + 2) },
  };
}

/** Brightness of a template at face coordinates (u, v) in [-1, 1]^2 (v grows downwards). */
function templateValue(face: FaceTemplate, u: number, v: number): number {
  const background = 0.2;
  const r = Math.hypot(u / face.faceWidth, (v - 0.05) / face.faceHeight);
  const inside = 1 / (1 + Math.exp((r - 1) / 0.06));
  let skin = face.tone;
  const eyeSigma2 = 2 * face.eyeSize * face.eyeSize;
  for (const side of [-1, 1]) {
    const du = u - side * face.eyeSpacing;
    const dv = v - face.eyeHeight;
    skin -= 0.38 * Math.exp(-(du * du + dv * dv) / eyeSigma2);
    const bv = v - face.eyeHeight + 0.13;
    skin -= 0.18 * Math.exp(-(du * du) / 0.03 - (bv * bv) / 0.002);
  }
  const mu = u / face.mouthWidth;
  const mv = (v - face.mouthHeight) / 0.06;
  skin -= 0.28 * Math.exp(-(mu * mu + mv * mv) / 2);
  skin += 0.1 * Math.exp(-(u * u) / 0.01 - ((v - 0.12) * (v - 0.12)) / 0.04);
  for (const blob of face.blobs) {
    const du = u - blob.x;
    const dv = v - blob.y;
    skin += blob.amplitude * Math.exp(-(du * du + dv * dv) / (2 * blob.sigma * blob.sigma));
  }
  skin += face.wave.amplitude * Math.sin(face.wave.fx * u * Math.PI + face.wave.fy * v * Math.PI + face.wave.phase);
  return background + (skin - background) * inside;
}

/** Per-image pose, lighting and noise. */
interface Jitter {
  shiftU: number;
  shiftV: number;
  cos: number;
  sin: number;
  scale: number;
  brightness: number;
  contrast: number;
  gradientU: number;
  gradientV: number;
}

function drawJitter(rng: Rng): Jitter {
  const angle = gaussian(rng) * (6 * Math.PI) / 180;
  return {
    shiftU: 0.05 * gaussian(rng),
    shiftV: 0.05 * gaussian(rng),
    cos: Math.cos(angle),
    sin: Math.sin(angle),
    scale: 1 + 0.04 * gaussian(rng),
    brightness: 0.06 * gaussian(rng),
    contrast: 1 + 0.08 * gaussian(rng),
    gradientU: 0.08 * gaussian(rng),
    gradientV: 0.05 * gaussian(rng),
  };
}

/**
 * A deterministic synthetic face data set (no files): each identity is a smooth face template, each image
 * the template under a small random shift, rotation, scale, lighting change and pixel noise, rendered at
 * whatever size and channel count a batch asks for. Same options, same pixels.
 * Groups differ in a controlled way (see `difficulty`), so a fairness-aware search has a real trade-off.
 */
export function syntheticFaces(options: SyntheticFaceOptions = {}): FaceDataset {
  const { identities = 20, imagesPerIdentity = 10, groups = ['groupA', 'groupB'], difficulty = 0.5, noise = 0.05, seed = 0 } = options;
  if (!Number.isInteger(identities) || identities < 1) throw new RangeError(`synthetic identities must be a positive integer, got ${identities}`);
  if (!Number.isInteger(imagesPerIdentity) || imagesPerIdentity < 1) throw new RangeError(`synthetic imagesPerIdentity must be a positive integer, got ${imagesPerIdentity}`);
  if (groups.length < 1 || new Set(groups).size !== groups.length) throw new RangeError(`synthetic groups must be distinct names, got ${groups.join(', ')}`);
  if (!(difficulty >= 0 && difficulty <= 1)) throw new RangeError(`synthetic difficulty must be in [0, 1], got ${difficulty}`);
  if (!(noise >= 0)) throw new RangeError(`synthetic noise must be >= 0, got ${noise}`);

  const hardness = (group: number): number => (groups.length === 1 ? 0 : (difficulty * group) / (groups.length - 1));
  const groupMeans = groups.map((group) => templateDeviation(seededRng(seed, 'synthetic-group', group)));
  const templates: FaceTemplate[] = [];
  const groupOfIdentity: number[] = [];
  const names: string[] = [];
  const width = String(identities - 1).length;
  for (let identity = 0; identity < identities; identity++) {
    const group = identity % groups.length;
    const rng = seededRng(seed, 'synthetic-identity', identity);
    templates.push(buildTemplate(groupMeans[group], templateDeviation(rng), 1 - 0.7 * hardness(group), rng));
    groupOfIdentity.push(group);
    names.push(`id${String(identity).padStart(width, '0')}`);
  }

  const items: FaceItemInput[] = [];
  for (let identity = 0; identity < identities; identity++) {
    for (let image = 0; image < imagesPerIdentity; image++) {
      items.push({
        id: `${names[identity]}/${image}`,
        source: { kind: 'synthetic', identity, image },
        identity: names[identity],
        group: groups[groupOfIdentity[identity]],
        attributes: { group: groups[groupOfIdentity[identity]] },
      });
    }
  }

  const render = (item: FaceItem, { size, channels }: { size: number; channels: 1 | 3 }): Uint8Array => {
    if (item.source.kind !== 'synthetic') throw new Error(`synthetic renderer got a ${item.source.kind} item`);
    const { identity, image } = item.source;
    const face = templates[identity];
    const rng = seededRng(seed, 'synthetic-image', identity, image);
    const jitter = drawJitter(rng);
    const sigma = noise * (1 + hardness(groupOfIdentity[identity]));
    const pixels = new Uint8Array(size * size * channels);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        // Pixel centre in [-1, 1]^2, then the inverse pose transform into template coordinates.
        const pu = ((x + 0.5) / size) * 2 - 1 - jitter.shiftU;
        const pv = ((y + 0.5) / size) * 2 - 1 - jitter.shiftV;
        const u = (jitter.cos * pu + jitter.sin * pv) / jitter.scale;
        const v = (-jitter.sin * pu + jitter.cos * pv) / jitter.scale;
        const lit = (templateValue(face, u, v) - 0.5) * jitter.contrast + 0.5 + jitter.brightness + jitter.gradientU * pu + jitter.gradientV * pv;
        const offset = (y * size + x) * channels;
        if (channels === 1) {
          pixels[offset] = toByte(lit + sigma * gaussian(rng));
        } else {
          for (let c = 0; c < 3; c++) pixels[offset + c] = toByte(lit * face.tint[c] + sigma * gaussian(rng));
        }
      }
    }
    return pixels;
  };

  const name = `synthetic(${JSON.stringify({ identities, imagesPerIdentity, groups, difficulty, noise, seed })})`;
  return new FaceDataset({ name, items, groupAttribute: 'group', groups, defaultSplitMode: 'images', renderer: render, cacheNamespace: name });
}

function toByte(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value * 255)));
}
