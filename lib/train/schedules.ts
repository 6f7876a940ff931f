export type ScheduleName = 'cosine' | 'step' | 'constant';

/**
 * A learning-rate schedule as a pure function of training progress t (in epochs, fractional within an
 * epoch), defined against the MAXIMUM budget: so a run cut at 2 epochs and continued to 4 sees exactly the
 * rates a straight 4-epoch run sees.
 */
export interface LearningRateSchedule {
  name: ScheduleName;
  /** Base learning rate. */
  learningRate: number;
  /** Length of the whole schedule in epochs (the search's maximum budget). */
  maxEpochs: number;
  /** Linear warm-up from `warmupLearningRate` to `learningRate` over this many epochs (cosine and step). */
  warmupEpochs: number;
  warmupLearningRate: number;
  /** Cosine: floor of the rate. */
  minLearningRate: number;
  /** Step: multiply by `lrCycleDecay` every `decayEpochs` epochs (timm --sched step --decay-epochs, --lr-cycle-decay). */
  decayEpochs: number;
  lrCycleDecay: number;
}

export interface ScheduleOptions {
  name?: ScheduleName;
  learningRate: number;
  maxEpochs: number;
  warmupEpochs?: number;
  warmupLearningRate?: number;
  minLearningRate?: number;
  decayEpochs?: number;
  lrCycleDecay?: number;
}

/**
 * Fills the defaults: cosine; warm-up min(3, 0.3·maxEpochs) epochs (FR-NAS: 3 of 10) from 1e-6 (timm's
 * cosine floor and warm-up start are tiny); step decays by 0.5 every max(1, maxEpochs/3) epochs.
 */
export function learningRateSchedule(options: ScheduleOptions): LearningRateSchedule {
  const name = options.name ?? 'cosine';
  if (!['cosine', 'step', 'constant'].includes(name)) throw new Error(`unknown schedule "${name}" (expected cosine, step or constant)`);
  if (!(options.maxEpochs > 0)) throw new Error(`schedule maxEpochs must be > 0, got ${options.maxEpochs}`);
  if (!(options.learningRate > 0)) throw new Error(`learning rate must be > 0, got ${options.learningRate}`);
  return {
    name,
    learningRate: options.learningRate,
    maxEpochs: options.maxEpochs,
    warmupEpochs: name === 'constant' ? 0 : (options.warmupEpochs ?? Math.min(3, 0.3 * options.maxEpochs)),
    warmupLearningRate: options.warmupLearningRate ?? 1e-6,
    minLearningRate: options.minLearningRate ?? 1e-6,
    decayEpochs: options.decayEpochs ?? Math.max(1, Math.round(options.maxEpochs / 3)),
    lrCycleDecay: options.lrCycleDecay ?? 0.5,
  };
}

/** The learning rate at progress t epochs (t ≥ 0). */
export function learningRateAt(schedule: LearningRateSchedule, t: number): number {
  const { learningRate, warmupEpochs, warmupLearningRate } = schedule;
  if (schedule.name === 'constant') return learningRate;
  if (t < warmupEpochs) return warmupLearningRate + ((learningRate - warmupLearningRate) * t) / warmupEpochs;
  if (schedule.name === 'step') return learningRate * Math.pow(schedule.lrCycleDecay, Math.floor(t / schedule.decayEpochs));
  // Cosine over the whole schedule after warm-up (timm CosineLRScheduler with warmup_prefix).
  const span = Math.max(1e-12, schedule.maxEpochs - warmupEpochs);
  const progress = Math.min(1, (t - warmupEpochs) / span);
  return schedule.minLearningRate + 0.5 * (learningRate - schedule.minLearningRate) * (1 + Math.cos(Math.PI * progress));
}
