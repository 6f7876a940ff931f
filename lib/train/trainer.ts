import { tf } from '../backend/index.js';
import type { Backbone } from '../models/backbone.js';
import type { DpnScale, DpnStageCells } from '../models/dpn.js';
import { createHead, type Head, type HeadSettings } from '../models/heads.js';
import { classificationLoss, type LossName } from '../models/losses.js';
import { createBackbone } from '../models/registry.js';
// Registers the backbone families (resnet, vgg, mobilenetv3, ghostnet, densenet, rexnet, vovnet, dpn107).
import '../models/families.js';
import { batchesPerEpoch, classLabels, epochBatches, imageCount, type AugmentationSettings, type FaceArrays } from './face-arrays.js';
import { Optimizer, type OptimizerName } from './optimizers.js';
import { learningRateAt, learningRateSchedule, type LearningRateSchedule, type ScheduleName } from './schedules.js';

/** Everything that defines one training run of a face-recognition model (a configuration, fully resolved). */
export interface FaceTrainingSpec {
  /** 'dpn' (the FR-NAS cell network) or a registered backbone family. */
  model: string;
  /** DPN op indices (edge1, edge2, edge3). */
  cell?: readonly [number, number, number];
  /** DPN: a cell per stage (the extended space's `cell_per_stage`); replaces `cell`. */
  stageCells?: DpnStageCells;
  /** DPN: dual-path blocks per stage (depth); default the scale's own. */
  blocksPerStage?: number;
  /** DPN scale preset ('tiny', 'small', 'paper') or a full DpnScale. */
  scale?: string | DpnScale;
  /** Width multiplier of the backbone. */
  width?: number;
  imageSize: number;
  channels: 1 | 3;
  embeddingSize: number;
  head: string;
  /** Searched margins of the head (absent: the textbook values). */
  headSettings?: HeadSettings;
  loss: LossName;
  optimizer: OptimizerName;
  learningRate: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  schedule: ScheduleName;
  warmupEpochs?: number;
  decayEpochs?: number;
  lrCycleDecay?: number;
  batchSize: number;
  /** Seeds weights, shuffling and flips. */
  seed: number;
  /** Random horizontal flips while training. */
  flip: boolean;
  /** Centre crop of the images (fraction of the side kept before resizing; absent: 1, the whole image). */
  centerFraction?: number;
  /** Random shifts, zooms, rotations, brightness and contrast while training (absent: none). */
  augmentation?: AugmentationSettings;
  /** The schedule's length (the search's maximum budget), so that continuing equals training straight. */
  maxEpochs: number;
}

/** Per-epoch figures passed to `onEpoch`. */
export interface EpochReport {
  epoch: number;
  loss: number;
  seconds: number;
  learningRate: number;
  images: number;
}

/** Thrown when the loss becomes NaN or infinite; a search records the trial as failed with this message. */
export class TrainingDivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingDivergedError';
  }
}

/** A face-recognition model with its head, optimizer and schedule, trained epoch by epoch. */
export class FaceTrainer {
  readonly backbone: Backbone;
  readonly head: Head;
  readonly optimizer: Optimizer;
  readonly schedule: LearningRateSchedule;
  readonly classes: number;
  epochsDone = 0;
  /** Signature of the training data, part of the checkpoint fingerprint (set by runFaceTraining). */
  dataSignature = '';

  constructor(
    readonly spec: FaceTrainingSpec,
    classes: number,
  ) {
    this.classes = classes;
    this.backbone = createBackbone(spec.model, {
      imageSize: spec.imageSize,
      channels: spec.channels,
      embeddingSize: spec.embeddingSize,
      seed: spec.seed,
      width: spec.width,
      cell: spec.cell,
      stageCells: spec.stageCells,
      blocksPerStage: spec.blocksPerStage,
      scale: spec.scale,
    });
    // The head's variables live in the backbone's store, so one store (and one checkpoint) holds the model.
    this.head = createHead(spec.head, this.backbone.parameters, this.backbone.embeddingSize, classes, spec.headSettings);
    this.optimizer = new Optimizer(this.backbone.parameters.trainable(), {
      name: spec.optimizer,
      learningRate: spec.learningRate,
      momentum: spec.momentum,
      weightDecay: spec.weightDecay,
      nesterov: spec.nesterov,
    });
    this.schedule = learningRateSchedule({
      name: spec.schedule,
      learningRate: spec.learningRate,
      maxEpochs: spec.maxEpochs,
      warmupEpochs: spec.warmupEpochs,
      decayEpochs: spec.decayEpochs,
      lrCycleDecay: spec.lrCycleDecay,
    });
  }

  /** One gradient step on a batch; returns the loss (NaN/inf throws TrainingDivergedError). */
  step(images: tf.Tensor4D, labels: tf.Tensor1D, learningRate: number): number {
    const variables = this.backbone.parameters.trainable().map((p) => p.variable);
    const { value, grads } = tf.variableGrads(() => {
      const output = this.head.forward(this.backbone.forward(images, true), labels);
      const loss = classificationLoss(this.spec.loss, output.logits, labels);
      return output.regularizer ? tf.add(loss, output.regularizer) : loss;
    }, variables);
    try {
      const loss = value.dataSync()[0];
      if (!Number.isFinite(loss)) {
        throw new TrainingDivergedError(`diverged: loss ${loss} at epoch ${this.epochsDone + 1}, step ${this.optimizer.step + 1}`);
      }
      this.optimizer.apply(grads, learningRate);
      return loss;
    } finally {
      value.dispose();
      tf.dispose(grads);
    }
  }

  /** Trains epoch `epochsDone + 1` on `data`; the learning rate follows the schedule per step. */
  trainEpoch(data: FaceArrays, labels?: Int32Array): EpochReport {
    const start = performance.now();
    const classLabelsOfData = labels ?? classLabels(data).labels;
    const epoch = this.epochsDone;
    const n = imageCount(data);
    const steps = batchesPerEpoch(n, this.spec.batchSize);
    if (steps === 0) throw new Error(`training set of ${n} images gives no batch of at least 2 images`);
    let lossSum = 0;
    let step = 0;
    let learningRate = 0;
    for (const batch of epochBatches(data, classLabelsOfData, { batchSize: this.spec.batchSize, seed: this.spec.seed, epoch, flip: this.spec.flip, augmentation: this.spec.augmentation })) {
      try {
        learningRate = learningRateAt(this.schedule, epoch + step / steps);
        lossSum += this.step(batch.images, batch.labels, learningRate);
      } finally {
        batch.images.dispose();
        batch.labels.dispose();
      }
      step += 1;
    }
    this.epochsDone += 1;
    return { epoch: this.epochsDone, loss: lossSum / step, seconds: (performance.now() - start) / 1000, learningRate, images: n };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.backbone.dispose();
  }
}
