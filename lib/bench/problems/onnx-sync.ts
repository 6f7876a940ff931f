// Synchronous inference on an ONNX model with onnxruntime-node, whose `run` is asynchronous only: the model runs in a
// worker thread and the caller blocks on Atomics.wait until the answer is on the port (the synckit pattern). The
// benchmark runner evaluates problems synchronously, and a surrogate query takes well under a millisecond.
// onnxruntime-node is an optional dependency of the benchmarks, not of the library: it is resolved at run time.
import { createRequire } from 'node:module';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

/** One model input: int32 or float32 values of a `rows × columns` matrix. */
export interface OnnxInput {
  type: 'int32' | 'float32';
  data: Int32Array | Float32Array;
  dims: [number, number];
}

/** Most output numbers one call may return (rows × outputs); callers batch below it. */
export const MAX_OUTPUT_VALUES = 1 << 17;
const MAX_ERROR_BYTES = 8192;
// control[0]: 0 waiting, 1 answered, 2 failed; control[1]: output length; control[2], control[3]: output dims;
// control[4]: error length in bytes.
const CONTROL_SIZE = 5;

// CommonJS run with `eval: true`, so the worker needs no file next to the compiled library. The answer goes through
// shared memory, not the port: under load a port message was seen arriving after the flag (or not within 10 s).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, control: controlBuffer, output: outputBuffer, error: errorBuffer, runtimePath, modelPath } = workerData;
const control = new Int32Array(controlBuffer);
const output = new Float32Array(outputBuffer);
const errorBytes = new Uint8Array(errorBuffer);
const finish = (state) => { Atomics.store(control, 0, state); Atomics.notify(control, 0); };
let ort;
let session;
port.on('message', async (request) => {
  try {
    ort ??= require(runtimePath);
    session ??= await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const feeds = {};
    for (const [name, input] of Object.entries(request)) feeds[name] = new ort.Tensor(input.type, input.data, input.dims);
    const result = await session.run(feeds);
    const answer = result[session.outputNames[0]];
    if (answer.data.length > output.length) throw new Error('the answer holds ' + answer.data.length + ' numbers, more than ' + output.length);
    output.set(answer.data);
    control[1] = answer.data.length;
    control[2] = Number(answer.dims[0]);
    control[3] = Number(answer.dims[1] ?? 1);
    finish(1);
  } catch (error) {
    const text = new TextEncoder().encode(String(error && error.stack ? error.stack : error)).slice(0, errorBytes.length);
    errorBytes.set(text);
    control[4] = text.length;
    finish(2);
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
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SIZE * 4));
  private readonly output = new Float32Array(new SharedArrayBuffer(MAX_OUTPUT_VALUES * 4));
  private readonly error = new Uint8Array(new SharedArrayBuffer(MAX_ERROR_BYTES));
  private closed = false;

  constructor(readonly modelPath: string) {
    const runtimePath = resolveOnnxRuntime();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, control: this.control.buffer, output: this.output.buffer, error: this.error.buffer, runtimePath, modelPath },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  /** Runs the model on `inputs` (by input name); the first output as a flat array and its dimensions. */
  run(inputs: Record<string, OnnxInput>): { output: Float32Array; dims: number[] } {
    if (this.closed) throw new Error(`onnx model ${this.modelPath}: already closed`);
    Atomics.store(this.control, 0, 0);
    this.port.postMessage(inputs);
    // Wait until the state leaves 0: a wake-up with the state still 0 was seen under load, so wait again then. A model
    // that never answers (a crashed worker) must not hang the caller for ever.
    const deadline = Date.now() + 120_000;
    let state = Atomics.load(this.control, 0);
    while (state === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`onnx model ${this.modelPath}: no answer within 120 s`);
      Atomics.wait(this.control, 0, 0, left);
      state = Atomics.load(this.control, 0);
    }
    if (state !== 1) {
      const text = new TextDecoder().decode(this.error.slice(0, this.control[4]));
      throw new Error(`onnx model ${this.modelPath}: ${text || `the worker failed (state ${state})`}`);
    }
    return { output: this.output.slice(0, this.control[1]), dims: [this.control[2], this.control[3]] };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}
