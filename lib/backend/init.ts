// Chooses the TensorFlow.js backend once for all of frnas: tensorflow (tfjs-node-gpu, tfjs-node), then wasm, then cpu.
import { createRequire } from 'node:module';
import { tf } from './tf.js';
import { registerWasmKernels } from './wasm_kernels.js';
import { installGradientRelease } from './release.js';

/** Backends a user may ask for. 'tensorflow' is libtensorflow through @tensorflow/tfjs-node(-gpu). */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface InitBackendOptions {
  /** Backend to use; without it FRNAS_BACKEND, then the order tensorflow > wasm > cpu. */
  prefer?: BackendName;
  /** Where the one-line notes go (chosen backend, broken optional packages); default console.error. */
  log?: (line: string) => void;
  /** Environment to read FRNAS_BACKEND from; default process.env. */
  env?: Record<string, string | undefined>;
  /**
   * Free each intermediate gradient as soon as backprop has used it (see release.ts); default true.
   * Once installed it stays for the process.
   */
  releaseGradients?: boolean;
}

const require = createRequire(import.meta.url);

/** Parses a backend name from a flag or an environment variable; throws a one-line error on anything else. */
export function parseBackendName(value: string, source = 'backend'): BackendName {
  const v = value.trim().toLowerCase();
  if (v === 'tensorflow' || v === 'wasm' || v === 'cpu') return v;
  throw new Error(`${source}: unknown TensorFlow.js backend '${value}' (expected tensorflow, wasm or cpu)`);
}

/** The value of a `--backend <name>` or `--backend=<name>` flag in argv, if any. */
export function backendFromArgv(argv: readonly string[] = process.argv): BackendName | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--backend' && i + 1 < argv.length) return parseBackendName(argv[i + 1], '--backend');
    if (a.startsWith('--backend=')) return parseBackendName(a.slice('--backend='.length), '--backend');
  }
  return undefined;
}

type Attempt = { ok: true } | { ok: false; reason: string; missing: boolean };

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].trim();
}

/** Loads an optional package: missing is reported as such (silent), a broken install with its reason. */
async function loadOptional(pkg: string): Promise<Attempt> {
  try {
    require.resolve(pkg);
  } catch {
    return { ok: false, missing: true, reason: `${pkg} is not installed` };
  }
  try {
    await import(pkg);
    return { ok: true };
  } catch (e) {
    return { ok: false, missing: false, reason: `${pkg} is installed but failed to load: ${firstLine(e)}` };
  }
}

async function tryTensorflow(log: (line: string) => void): Promise<Attempt> {
  const reasons: string[] = [];
  let allMissing = true;
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const a = await loadOptional(pkg);
    if (!a.ok) {
      reasons.push(a.reason);
      if (!a.missing) {
        allMissing = false;
        log(`frnas: ${a.reason}`);
      }
      continue;
    }
    // tfjs-node registers 'tensorflow' into the shared tfjs-core registry; setBackend is then enough.
    if (await setBackendQuietly('tensorflow')) return { ok: true };
    allMissing = false;
    reasons.push(`${pkg} loaded but the 'tensorflow' backend did not initialise`);
    log(`frnas: ${reasons[reasons.length - 1]}`);
  }
  return { ok: false, missing: allMissing, reason: reasons.join('; ') };
}

let wasmLoaded = false;

async function tryWasm(): Promise<Attempt> {
  if (!wasmLoaded) {
    const a = await loadOptional('@tensorflow/tfjs-backend-wasm');
    if (!a.ok) return a;
    wasmLoaded = true;
  }
  if (!(await setBackendQuietly('wasm'))) return { ok: false, missing: false, reason: 'the wasm backend did not initialise' };
  registerWasmKernels();
  return { ok: true };
}

async function setBackendQuietly(name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function attempt(name: BackendName, log: (line: string) => void): Promise<Attempt> {
  if (name === 'tensorflow') return tryTensorflow(log);
  if (name === 'wasm') return tryWasm();
  return (await setBackendQuietly('cpu')) ? { ok: true } : { ok: false, missing: false, reason: 'the cpu backend did not initialise' };
}

let active: BackendName | undefined;
let pending: Promise<BackendName> | undefined;

/** The backend frnas chose, or undefined before initBackend. */
export function activeBackend(): BackendName | undefined {
  return active;
}

// wasm evaluates these flags asynchronously when it starts; reading one before that throws.
function flag(name: string): boolean | undefined {
  try {
    return tf.env().getBool(name);
  } catch {
    return undefined;
  }
}

/** A description of the active backend for logs, e.g. "wasm (SIMD, 1 thread)". */
export function describeBackend(): string {
  if (active === undefined) return 'none (initBackend not called)';
  if (active === 'wasm') {
    const simd = flag('WASM_HAS_SIMD_SUPPORT');
    const threads = flag('WASM_HAS_MULTITHREAD_SUPPORT');
    return `wasm (${simd === undefined ? 'SIMD?' : simd ? 'SIMD' : 'no SIMD'}, ${threads === true ? 'threads' : '1 thread'})`;
  }
  return active;
}

/**
 * Makes one TensorFlow.js backend active for all of frnas and returns its name.
 * Order: the `prefer` argument, else FRNAS_BACKEND, else tensorflow > wasm > cpu. A backend asked for
 * explicitly must load (one-line error otherwise); in the default order a missing optional package is
 * skipped silently and a broken one is logged in one line. Idempotent: a second call returns the active
 * backend unless a different one is asked for.
 */
export async function initBackend(prefer?: BackendName | InitBackendOptions): Promise<BackendName> {
  const opts: InitBackendOptions = typeof prefer === 'string' || prefer === undefined ? { prefer } : prefer;
  const log = opts.log ?? ((line: string) => console.error(line));
  const env = opts.env ?? process.env;
  const fromEnv = env.FRNAS_BACKEND !== undefined && env.FRNAS_BACKEND !== ''
    ? parseBackendName(env.FRNAS_BACKEND, 'FRNAS_BACKEND') : undefined;
  const wanted = opts.prefer !== undefined ? parseBackendName(opts.prefer, 'initBackend') : fromEnv;
  // Concurrent callers share one initialisation.
  while (pending !== undefined) await pending.catch(() => undefined);
  if (active !== undefined && (wanted === undefined || wanted === active) && tf.getBackend() === active) {
    return active;
  }
  if (opts.releaseGradients !== false) installGradientRelease();
  pending = choose(wanted, log);
  try {
    active = await pending;
  } finally {
    pending = undefined;
  }
  log(`frnas: TensorFlow.js backend ${describeBackend()}`);
  return active;
}

async function choose(wanted: BackendName | undefined, log: (line: string) => void): Promise<BackendName> {
  if (wanted !== undefined) {
    const a = await attempt(wanted, log);
    if (a.ok) return wanted;
    const hint = wanted === 'tensorflow'
      ? ' (npm install @tensorflow/tfjs-node, or @tensorflow/tfjs-node-gpu with CUDA; both need their install scripts to run)'
      : '';
    throw new Error(`TensorFlow.js backend '${wanted}' was requested but is unavailable: ${a.reason}${hint}`);
  }
  for (const name of BACKEND_NAMES) {
    const a = await attempt(name, log);
    if (a.ok) return name;
    if (!a.missing && name !== 'tensorflow') log(`frnas: backend ${name} unavailable: ${a.reason}`);
  }
  throw new Error('no TensorFlow.js backend could be initialised (tried tensorflow, wasm, cpu)');
}
