// Public surface of lib/train; re-exported by lib/index.ts.
export { Optimizer, optimizerDefaults } from './optimizers.js';
export type { OptimizerName, OptimizerSettings, OptimizerState } from './optimizers.js';
export { learningRateAt, learningRateSchedule } from './schedules.js';
export type { LearningRateSchedule, ScheduleName, ScheduleOptions } from './schedules.js';
export { batchesPerEpoch, classLabels, epochBatches, imageTensor, loadFaceArrays, seededPermutation } from './face-arrays.js';
export type { FaceArrays, FaceDatasetSource, LoadedFaceBatch, SplitFaceDatasetSource, TrainingBatch } from './face-arrays.js';
export { FaceTrainer, TrainingDivergedError } from './trainer.js';
export type { EpochReport, FaceTrainingSpec } from './trainer.js';
export { faceArraysSignature, findCheckpoint, listCheckpoints, loadCheckpoint, removeCheckpoint, saveCheckpoint, trainingFingerprint } from './checkpoint.js';
export type { CheckpointManifest, CheckpointTensorEntry } from './checkpoint.js';
export { embedFaces, evaluateEmbeddings, evaluateFaceModel, pixelEmbeddings } from './evaluation.js';
export type { FaceEvaluation, FaceEvaluationOptions, FaceMetrics } from './evaluation.js';
export { checkIdentityOverlap, trainingSource, dataPreparationOf, FACE_TRAINING_DEFAULT_KEYS, openFaceData, RECOMMENDED_FACE_TRAINING, faceTrainingDefaults, prepareFaceData, resolveTrainingSpec, runFaceTraining, trainConfiguration } from './run.js';
export { checkAugmentation } from './face-arrays.js';
export type { AugmentationSettings } from './face-arrays.js';
export type {
  FaceDataPreparation, FaceTrainingData, FaceTrainingDataSource, FaceTrainingDefaults, FaceTrainingResult, FaceTrainingRunOptions, RankedImages, TrainConfigurationOptions,
} from './run.js';
export { faceRecognitionObjective, pixelBaseline, trialResult } from './objective.js';
export type { FaceObjectiveName, FaceRecognitionObjectiveOptions } from './objective.js';
export { createTrainingConfigs, readTrainingConfig, trainingConfigs } from './configs.js';
export type { TrainingConfigGrid } from './configs.js';
export { runTrialInWorker, shareTrainingData } from './worker-trials.js';
export type { TrialWorkerInput, TrialWorkerMessage } from './trial-worker.js';
export { epochsOfBudget } from './objective.js';
export { embedFacesStreaming, isStreamingFaceData, trainEpochStreaming } from './streaming.js';
export type { StreamingFaceData, StreamingFaceSource } from './streaming.js';
