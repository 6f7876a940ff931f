import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { initBackend, type BackendName } from '../backend/index.js';
import type { FaceDataset } from '../data/index.js';
import { pairSimilarities, verificationByGroup, type VerificationByGroup } from '../fairness/index.js';
import { embedFaces, evaluateEmbeddings, FaceTrainer, listCheckpoints, loadCheckpoint, loadFaceArrays, type CheckpointManifest } from '../train/index.js';
import { readRunConfig, RUN_FILES, writeJson, type RunConfig, type SplitEvaluation } from '../posthoc/runs.js';

export interface TransferEvaluationOptions {
  /** A run folder written by `retrain` (or any folder whose `checkpoints/` holds a trainer checkpoint). */
  run: string;
  /** The data set to evaluate on (all its images), and the spec it was loaded from. */
  data: FaceDataset;
  dataSpec: string;
  /** False accept rates of the verification figures (RFW pairs); default 0.001, 0.01, 0.1. */
  far?: readonly number[];
  /** Output file; default `<run>/transfer/<name>.json`. */
  out?: string;
  /** Name of the evaluation (file name); default from the data spec, e.g. `rfw-RFW`. */
  name?: string;
  backend?: BackendName;
  /** The ordered pair of groups of the disparity measures; default the worst pair (max − min over groups). */
  referenceGroups?: readonly [string, string];
}

/** What `frnas evaluate` writes: identification (rank-1, per group) and, with pairs, verification (TAR at FAR, per group). */
export interface TransferEvaluation {
  format: 'frnas-transfer';
  version: 1;
  name: string;
  run: string;
  model: string;
  kind: RunConfig['kind'] | 'checkpoint';
  configId: string;
  seed: number;
  epochs: number;
  data: string;
  images: number;
  groups: string[];
  /** Leave-one-out rank-1 identification over all images of the data set (the same figures as validation/test). */
  identification: SplitEvaluation;
  /** 1:1 verification on the data set's pairs (RFW's `<race>_pairs.txt`), keyed by FAR. */
  verification?: { pairs: number; byFar: Record<string, VerificationByGroup> };
  evaluatedAt: string;
}

/** The final checkpoint of a run: the one at the run's epochs, else the latest. */
async function finalCheckpoint(runDir: string, epochs: number | undefined): Promise<{ dir: string; manifest: CheckpointManifest }> {
  const candidates = [join(runDir, RUN_FILES.checkpoints), runDir];
  for (const dir of candidates) {
    const manifests = await listCheckpoints(dir);
    if (manifests.length === 0) continue;
    const exact = epochs === undefined ? undefined : manifests.filter((m) => m.epochsDone === epochs).at(-1);
    return { dir, manifest: exact ?? (manifests.at(-1) as CheckpointManifest) };
  }
  throw new Error(`${runDir}: no checkpoint found (expected ${join(runDir, RUN_FILES.checkpoints)}/epoch-<n>.json); has the run been trained?`);
}

function evaluationName(spec: string): string {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const argument = colon < 0 ? '' : spec.slice(colon + 1);
  const tail = argument && kind !== 'synthetic' ? basename(resolve(argument)) : argument;
  return [kind, tail].filter(Boolean).join('-').replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * Evaluates a trained model on another data set (transfer, e.g. trained on CelebA, tested on RFW): rebuilds the
 * network from the run's final checkpoint (the manifest holds the full training spec), embeds every image
 * (flip-sum, L2), ranks them leave-one-out per protected group (RFW: race), and, when the data set has
 * verification pairs, reports TAR at each FAR overall and per group with one global threshold.
 */
export async function evaluateTransfer(options: TransferEvaluationOptions): Promise<TransferEvaluation & { file: string }> {
  const runDir = resolve(options.run);
  if (!existsSync(runDir)) throw new Error(`${runDir}: no such run folder`);
  const runConfig = existsSync(join(runDir, RUN_FILES.config)) ? readRunConfig(runDir) : undefined;
  const { dir, manifest } = await finalCheckpoint(runDir, runConfig?.epochs);
  await initBackend(options.backend);
  const trainer = new FaceTrainer(manifest.spec, manifest.classes);
  try {
    // Transfer: the model is evaluated on other data than it was trained on.
    await loadCheckpoint(trainer, dir, manifest, { anyData: true });
    // The preprocessing the model was trained with (its spec): same size, channels and centre crop.
    const arrays = await loadFaceArrays(options.data, manifest.spec.imageSize, manifest.spec.channels, manifest.spec.centerFraction);
    const embeddings = embedFaces(trainer.backbone, arrays);
    const dim = trainer.backbone.embeddingSize;
    const ranked = evaluateEmbeddings(embeddings, dim, arrays, options.referenceGroups);
    let verification: TransferEvaluation['verification'];
    const pairs = options.data.pairs;
    if (pairs.length > 0) {
      const indexOf = new Map(options.data.items.map((item, i) => [item.id, i]));
      const position = (id: string): number => {
        const i = indexOf.get(id);
        if (i === undefined) throw new Error(`${options.dataSpec}: pair image ${id} is not in the data set`);
        return i;
      };
      const scores = pairSimilarities({ embeddings, dim, pairs: pairs.map((p) => [position(p.first), position(p.second)] as const) });
      const byFar: Record<string, VerificationByGroup> = {};
      for (const far of options.far ?? [0.001, 0.01, 0.1]) {
        byFar[String(far)] = verificationByGroup({ scores, genuine: pairs.map((p) => p.same), groups: pairs.map((p) => p.group), far, allGroups: options.data.groups });
      }
      verification = { pairs: pairs.length, byFar };
    }
    const name = options.name ?? evaluationName(options.dataSpec);
    const evaluation: TransferEvaluation = {
      format: 'frnas-transfer',
      version: 1,
      name,
      run: runDir,
      model: runConfig?.model ?? basename(runDir),
      kind: runConfig?.kind ?? 'checkpoint',
      configId: runConfig?.configId ?? '',
      seed: manifest.spec.seed,
      epochs: manifest.epochsDone,
      data: options.dataSpec,
      images: options.data.size,
      groups: [...options.data.groups],
      identification: { metrics: ranked.metrics, perGroup: ranked.perGroup },
      ...(verification ? { verification } : {}),
      evaluatedAt: new Date().toISOString(),
    };
    const file = resolve(options.out ?? join(runDir, RUN_FILES.transfer, `${name}.json`));
    await mkdir(dirname(file), { recursive: true });
    await writeJson(file, evaluation);
    return { ...evaluation, file };
  } finally {
    trainer.dispose();
  }
}
