import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FaceArrays } from './face-arrays.js';
import type { FaceTrainingData, FaceTrainingResult } from './run.js';
import type { EpochReport } from './trainer.js';
import type { TrialWorkerInput, TrialWorkerMessage } from './trial-worker.js';

/** The worker script: the compiled .js next to this module, or the .ts source when running under tsx. */
function workerUrl(): URL {
  const compiled = new URL('./trial-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return compiled;
  return new URL('./trial-worker.ts', import.meta.url);
}

function shareArray<T extends Float32Array | Int32Array>(values: T, make: (buffer: SharedArrayBuffer) => T): T {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const shared = make(new SharedArrayBuffer(values.byteLength));
  shared.set(values);
  return shared;
}

function shareFaces(data: FaceArrays): FaceArrays {
  return {
    ...data,
    images: shareArray(data.images, (b) => new Float32Array(b)),
    identities: shareArray(data.identities, (b) => new Int32Array(b)),
  };
}

/** Copies the pixel arrays once into SharedArrayBuffers, so every worker reads them without a copy. */
export function shareTrainingData(data: FaceTrainingData): FaceTrainingData {
  return { train: shareFaces(data.train), evaluation: shareFaces(data.evaluation) };
}

/**
 * Trains one trial in a new worker thread and resolves with its result; rejects with the worker's error
 * message (e.g. "diverged: ..."), and terminates the worker when `signal` aborts.
 */
export function runTrialInWorker(
  input: TrialWorkerInput,
  options: { signal?: AbortSignal; onEpoch?: (report: EpochReport) => void } = {},
): Promise<{ result: FaceTrainingResult; backend: string }> {
  return new Promise((resolve, reject) => {
    const url = workerUrl();
    // From the TypeScript sources (tests, tsx) the worker registers tsx's loader before importing its entry:
    // Node 20 does not apply an inherited --import=tsx to a worker's .ts entry point.
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, workerData: input })
      : new Worker(url, { workerData: input });
    let settled = false;
    const finish = (action: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      action();
      void worker.terminate();
    };
    const onAbort = (): void => finish(() => reject(new Error('aborted: trial worker terminated')));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort);
    worker.on('message', (message: TrialWorkerMessage) => {
      if (message.kind === 'epoch') options.onEpoch?.(message.report);
      else if (message.kind === 'result') finish(() => resolve({ result: message.result, backend: message.backend }));
      else finish(() => reject(new Error(message.message)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`trial worker exited with code ${code} before reporting`))));
  });
}
