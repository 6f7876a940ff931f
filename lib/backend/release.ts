// Frees each intermediate gradient, and each tensor saved for backprop, as soon as backprop is done with it.
//
// tfjs-core's engine.gradients keeps the accumulated gradient of every intermediate tensor and every tensor
// saved for the backward pass until the end of the whole backward pass (one tidy scope), so its peak holds a
// gradient for every activation on top of all the activations. Backprop walks the tape in reverse; once a
// node's gradient function has produced its input gradients, neither the gradients of that node's outputs nor
// the node's saved tensors (its own clones) are read again. This wraps each tape node's gradient so that, when
// the next node starts, the previous node's output gradients and saved tensors are disposed.
// Only first-order gradients (gradientDepth 0) are touched; higher-order passes run unchanged.
import { tf } from './tf.js';

type GradFn = (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
interface TapeNode { gradient?: GradFn; saved?: tf.Tensor[] }
interface EngineInternals {
  state: { gradientDepth: number; activeTape: TapeNode[] | null };
  addTapeNode: (...args: unknown[]) => void;
  gradients: (...args: unknown[]) => unknown;
}

interface Pass { previous: tf.Tensor[] | null; started: boolean }

let installed = false;
let enabled = true;

/** Turns the early release on or off (it stays installed); for comparisons in tests and benchmarks. */
export function setGradientRelease(on: boolean): void {
  enabled = on;
}

/** True once the engine is patched; false if this tfjs-core's internals do not look as expected (left alone). */
export function installGradientRelease(): boolean {
  if (installed) return true;
  const engine = tf.engine() as unknown as Partial<EngineInternals>;
  if (typeof engine.addTapeNode !== 'function' || typeof engine.gradients !== 'function' ||
    engine.state === undefined || typeof engine.state.gradientDepth !== 'number') {
    return false;
  }
  const e = engine as EngineInternals;
  const addTapeNode = e.addTapeNode.bind(e);
  const gradients = e.gradients.bind(e);
  let pass: Pass | null = null;

  const wrap = (gradient: GradFn, node: TapeNode): GradFn => (dys) => {
    const p = pass;
    if (p === null || e.state.gradientDepth !== 0) return gradient(dys);
    if (p.previous !== null) for (const t of p.previous) t.dispose();
    const present = dys.filter((d): d is tf.Tensor => d !== null && d !== undefined);
    const saved = node.saved ?? [];
    // The first node is y's; its dy may be the caller's tensor, so that dy is never released.
    p.previous = [...(p.started ? present : []), ...saved];
    p.started = true;
    const grads = gradient(dys);
    const out: Record<string, () => tf.Tensor> = {};
    for (const [name, f] of Object.entries(grads)) {
      // A gradient function handing back a dy or a saved tensor itself would lose it: give a clone instead.
      out[name] = () => {
        const r = f();
        return present.includes(r) || saved.includes(r) ? r.clone() : r;
      };
    }
    return out;
  };

  e.addTapeNode = (...args: unknown[]): void => {
    addTapeNode(...args);
    const tape = e.state.activeTape;
    const node = tape === null ? undefined : tape[tape.length - 1];
    if (node !== undefined && typeof node.gradient === 'function') node.gradient = wrap(node.gradient, node);
  };
  e.gradients = (...args: unknown[]): unknown => {
    if (!enabled || pass !== null || e.state.gradientDepth !== 0) return gradients(...args);
    pass = { previous: null, started: false };
    try {
      return gradients(...args);
    } finally {
      pass = null;
    }
  };
  installed = true;
  return true;
}
