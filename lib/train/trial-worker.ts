// Entry point of a worker thread that trains one trial (faceRecognitionObjective({ workerThreads: true })).
// Each worker has its own TensorFlow.js engine and wasm heap, so trials run in parallel on separate cores
// and the memory of a finished trial goes back to the system when its worker ends.
import { parentPort, workerData } from 'node:worker_threads';
import { describeBackend, initBackend, type BackendName } from '../backend/index.js';
import type { FaceTrainingData, FaceTrainingResult } from './run.js';
import { runFaceTraining } from './run.js';
import type { EpochReport, FaceTrainingSpec } from './trainer.js';

/** What the main thread sends. Typed arrays of `data` may live in SharedArrayBuffers (no copy). */
export interface TrialWorkerInput {
  spec: FaceTrainingSpec;
  data: FaceTrainingData;
  epochs: number;
  checkpointDir?: string;
  restart?: boolean;
  checkpointEveryEpoch?: boolean;
  backend?: BackendName;
  referenceGroups?: readonly [string, string];
}

/** What the worker sends back: epoch reports while training, then one result or error. */
export type TrialWorkerMessage =
  | { kind: 'epoch'; report: EpochReport }
  | { kind: 'result'; result: FaceTrainingResult; backend: string }
  | { kind: 'error'; message: string };

async function main(): Promise<void> {
  const input = workerData as TrialWorkerInput;
  const post = (message: TrialWorkerMessage): void => parentPort?.postMessage(message);
  try {
    await initBackend({ prefer: input.backend, log: () => undefined });
    const result = await runFaceTraining(input.spec, input.data, {
      epochs: input.epochs,
      checkpointDir: input.checkpointDir,
      restart: input.restart,
      checkpointEveryEpoch: input.checkpointEveryEpoch,
      referenceGroups: input.referenceGroups,
      onEpoch: (report) => post({ kind: 'epoch', report }),
    });
    post({ kind: 'result', result, backend: describeBackend() });
  } catch (error) {
    post({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

void main();
