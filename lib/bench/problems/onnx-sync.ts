// Synchronous inference on an ONNX model with onnxruntime-node, whose `run` is asynchronous only: the model runs in a
// worker thread and the caller blocks on Atomics.wait until the answer is on the port (the synckit pattern). The
// benchmark runner evaluates problems synchronously, and a surrogate query takes well under a millisecond.
// onnxruntime-node is an optional dependency of the benchmarks, not of the library: it is resolved at run time.
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** One model input: int32 or float32 values of a `rows × columns` matrix. */
export interface OnnxInput {
  type: 'int32' | 'float32';
  data: Int32Array | Float32Array;
  dims: [number, number];
}

interface WorkerAnswer {
  output?: Float32Array;
  dims?: number[];
  error?: string;
}

// CommonJS run with `eval: true`, so the worker needs no file next to the compiled library.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, signal, runtimePath, modelPath } = workerData;
const flag = new Int32Array(signal);
const answer = (message) => { port.postMessage(message); Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); };
let ort;
let session;
port.on('message', async (request) => {
  try {
    ort ??= require(runtimePath);
    session ??= await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const feeds = {};
    for (const [name, input] of Object.entries(request)) feeds[name] = new ort.Tensor(input.type, input.data, input.dims);
    const result = await session.run(feeds);
    const output = result[session.outputNames[0]];
    answer({ output: Float32Array.from(output.data), dims: output.dims });
  } catch (error) {
    answer({ error: String(error && error.stack ? error.stack : error) });
  }
});
`;

/** Where onnxruntime-node is installed, or an error saying how to install it. */
export function resolveOnnxRuntime(): string {
  try {
    return createRequire(import.meta.url).resolve('onnxruntime-node');
  } catch {
    throw new Error(
      'onnxruntime-node is not installed: the YAHPO Gym surrogates need it (an optional dependency of the benchmarks). ' +
        'Install it with `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node` (skip: no CUDA download).',
    );
  }
}

/** A loaded ONNX model answering synchronously. `close()` ends its worker (it never keeps the process alive). */
export class SyncOnnxModel {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;

  constructor(readonly modelPath: string) {
    const runtimePath = resolveOnnxRuntime();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, signal: this.flag.buffer, runtimePath, modelPath },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  /** Runs the model on `inputs` (by input name); the first output as a flat array and its dimensions. */
  run(inputs: Record<string, OnnxInput>): { output: Float32Array; dims: number[] } {
    if (this.closed) throw new Error(`onnx model ${this.modelPath}: already closed`);
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(inputs);
    // A model that never answers (a crashed worker) must not hang the caller for ever.
    if (Atomics.wait(this.flag, 0, 0, 120_000) === 'timed-out') throw new Error(`onnx model ${this.modelPath}: no answer within 120 s`);
    // The flag can be seen before the port delivers the message (measured: rarely, under load); poll briefly for it.
    let received = receiveMessageOnPort(this.port) as { message: WorkerAnswer } | undefined;
    for (let waited = 0; !received && waited < 10_000; waited++) {
      Atomics.wait(this.flag, 0, 1, 1);
      received = receiveMessageOnPort(this.port) as { message: WorkerAnswer } | undefined;
    }
    const answer = received?.message;
    if (!answer) throw new Error(`onnx model ${this.modelPath}: the worker answered nothing within 10 s`);
    if (answer.error !== undefined || !answer.output || !answer.dims) throw new Error(`onnx model ${this.modelPath}: ${answer.error ?? 'no output'}`);
    return { output: answer.output, dims: answer.dims };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}
