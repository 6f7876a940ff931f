import type { Backbone, BackboneBuildOptions, BackboneFactory } from './backbone.js';
import { Dpn, dpnScales, type DpnScale } from './dpn.js';

const factories = new Map<string, BackboneFactory>();

/** Adds (or replaces) a backbone family under `name`, e.g. registerBackbone('my_net', (o) => new MyNet(o)). */
export function registerBackbone(name: string, factory: BackboneFactory): void {
  if (!name.trim()) throw new Error('backbone name must not be empty');
  factories.set(name.toLowerCase(), factory);
}

/** Registered backbone names, sorted. */
export function backboneNames(): string[] {
  return [...factories.keys()].sort();
}

/** Builds the backbone `name` (case-insensitive). */
export function createBackbone(name: string, options: BackboneBuildOptions): Backbone {
  const factory = factories.get(name.toLowerCase());
  if (!factory) throw new Error(`unknown backbone "${name}" (registered: ${backboneNames().join(', ')})`);
  return factory(options);
}

/** The DPN of the FR-NAS search space; `width` multiplies the preset's channel counts, `blocksPerStage` sets the depth. */
function buildDpn(options: BackboneBuildOptions): Backbone {
  const chosen = options.scale ?? 'tiny';
  const base: DpnScale | undefined = typeof chosen === 'object' ? chosen : dpnScales[chosen as keyof typeof dpnScales];
  if (!base) throw new Error(`unknown DPN scale "${String(chosen)}" (expected ${Object.keys(dpnScales).join(', ')})`);
  const w = options.width ?? 1;
  const scaled = (c: number): number => Math.max(base.groups, Math.round((c * w) / base.groups) * base.groups);
  const scale: DpnScale =
    w === 1
      ? { ...base, embeddingSize: options.embeddingSize }
      : {
          ...base,
          stemChannels: scaled(base.stemChannels),
          kR: scaled(base.kR),
          bandwidths: [scaled(base.bandwidths[0]), scaled(base.bandwidths[1]), scaled(base.bandwidths[2]), scaled(base.bandwidths[3])],
          embeddingSize: options.embeddingSize,
        };
  const depth = options.blocksPerStage;
  if (depth !== undefined && !(Number.isInteger(depth) && depth >= 1)) throw new Error(`DPN blocksPerStage must be a positive integer, got ${depth}`);
  const overrides: Partial<DpnScale> = depth === undefined ? {} : { blocksPerStage: [depth, depth, depth, depth] };
  return new Dpn({
    cell: options.cell ?? [2, 0, 1],
    stageCells: options.stageCells,
    imageSize: options.imageSize,
    channels: options.channels,
    seed: options.seed,
    scale,
    overrides,
  });
}

registerBackbone('dpn', buildDpn);
