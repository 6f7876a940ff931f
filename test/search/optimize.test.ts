import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Space, type Configuration } from '../../lib/space/index.js';
import { optimize, Study, type EvaluationContext, type SearchProgress, type Trial } from '../../lib/search/index.js';
import { analytic, twoObjectives } from './helpers/problems.js';
import { toySpace } from './helpers/toy-space.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const fidelity = { min: 1, max: 9, eta: 3 };

describe('search: optimize', () => {
  it('keeps up to `concurrency` evaluations in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const { trials } = await optimize({
      space: toySpace(),
      objectives: twoObjectives,
      fidelity,
      scheduler: 'asha',
      concurrency: 4,
      stop: { trials: 30 },
      evaluate: async (config, budget) => {
        most = Math.max(most, ++inFlight);
        await sleep(1 + (Number(config.k) % 3));
        inFlight--;
        return analytic(config, budget);
      },
    });
    expect(most).to.equal(4);
    expect(trials).to.have.length(30);
    expect(trials.every((t) => t.status === 'ok')).to.equal(true);
  });

  it('records thrown evaluations, non-finite objectives and timeouts as failures, and goes on', async () => {
    let aborted = 0;
    const { trials } = await optimize({
      space: toySpace(),
      objectives: twoObjectives,
      scheduler: 'random',
      stop: { trials: 12 },
      trialTimeout: 0.02,
      evaluate: async (config, _budget, context) => {
        const k = Number(config.k);
        if (k < 2) throw new Error(`cannot train k=${k}`);
        if (k < 4) return { error: Number.NaN, disparity: 1 };
        if (k < 6) {
          await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
          aborted++;
          return { error: 0, disparity: 0 };
        }
        if (k < 7) return 'oops' as unknown as { error: number };
        return { error: 0.1 * k, disparity: 0.5 };
      },
    });
    const byK = (k: number): Trial[] => trials.filter((t) => Number(t.config.k) === k);
    expect(trials).to.have.length(12);
    for (const k of [0, 1]) for (const t of byK(k)) expect([t.status, t.error]).to.deep.equal(['failed', `cannot train k=${k}`]);
    for (const k of [2, 3]) for (const t of byK(k)) expect([t.status, t.error]).to.deep.equal(['failed', "objective 'error' is NaN"]);
    for (const k of [4, 5]) for (const t of byK(k)) expect(t.status).to.equal('timeout');
    for (const t of byK(6)) expect(t.error).to.match(/evaluate returned "oops"/);
    expect(aborted).to.equal(byK(4).length + byK(5).length);
    expect(trials.filter((t) => t.status === 'ok').every((t) => Number(t.config.k) >= 7)).to.equal(true);
  });

  it('gives a promotion the previous budget, the parent trial and the lineage checkpoint directory', async () => {
    const contexts = new Map<number, { previousBudget: number; previousTrialId?: number; checkpointDir: string }>();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-opt-'));
    const { trials } = await optimize({
      space: toySpace(),
      objectives: [{ name: 'loss', direction: 'minimize' }],
      fidelity,
      scheduler: 'sh',
      storage: dir,
      stop: { trials: 13 },
      evaluate: (config, budget, context: EvaluationContext) => {
        const file = path.join(context.checkpointDir, 'epochs.txt');
        const trained = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
        expect(trained).to.equal(context.previousBudget);
        fs.writeFileSync(file, String(budget));
        contexts.set(context.trialId, { previousBudget: context.previousBudget, previousTrialId: context.previousTrialId, checkpointDir: context.checkpointDir });
        return { loss: Number(config.x) / budget };
      },
    });
    const promoted = trials.filter((t) => t.parentTrialId !== undefined);
    expect(promoted.map((t) => t.budget)).to.deep.equal([3, 3, 3, 9]);
    for (const t of promoted) {
      const parent = trials[t.parentTrialId!];
      expect(contexts.get(t.id)!.previousBudget).to.equal(parent.budget);
      expect(contexts.get(t.id)!.previousTrialId).to.equal(parent.id);
      expect(contexts.get(t.id)!.checkpointDir).to.equal(contexts.get(parent.id)!.checkpointDir);
      expect(t.cost.budget).to.equal(t.budget - parent.budget);
    }
    expect(contexts.get(0)!.checkpointDir.startsWith(path.join(dir, 'checkpoints'))).to.equal(true);
    fs.rmSync(dir, { recursive: true });
  });

  it('stops on total budget, counting what evaluations report as spent', async () => {
    const { trials } = await optimize({
      space: toySpace(),
      objectives: twoObjectives,
      fidelity,
      scheduler: 'hyperband',
      stop: { budget: 40 },
      evaluate: (config, budget) => ({ ...analytic(config, budget), cost: { budget: budget } }),
    });
    const spent = trials.reduce((sum, t) => sum + t.cost.budget, 0);
    expect(spent).to.be.at.least(40 - 9).and.at.most(40 + 9);
    expect(trials.reduce((sum, t) => sum + t.budget, 0)).to.equal(spent);
  });

  it('stops on a callback and reports progress after every result', async () => {
    const seen: SearchProgress[] = [];
    const started: number[] = [];
    const ended: number[] = [];
    await optimize({
      space: toySpace(),
      objectives: twoObjectives,
      stop: { when: (p) => p.finished >= 7, seconds: 60 },
      onTrialStart: (t) => started.push(t.id),
      onTrialEnd: (t) => ended.push(t.id),
      onProgress: (p) => seen.push(p),
      evaluate: (config, budget) => analytic(config, budget),
    });
    expect(started).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(ended).to.deep.equal(started);
    expect(seen.map((p) => p.finished)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.every((p) => p.running === 0 && p.paretoFrontSize >= 1 && p.elapsedSeconds >= 0)).to.equal(true);
  });

  it('stops on wall-clock seconds', async () => {
    const t0 = Date.now();
    const { trials } = await optimize({
      space: toySpace(),
      objectives: twoObjectives,
      stop: { seconds: 0.15 },
      evaluate: async (config, budget) => {
        await sleep(10);
        return analytic(config, budget);
      },
    });
    expect(Date.now() - t0).to.be.below(2000);
    expect(trials.length).to.be.within(2, 20);
  });

  it('resumes a study directory: a second call continues up to the new stop', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-opt-'));
    const options = {
      space: toySpace(),
      objectives: twoObjectives,
      fidelity,
      scheduler: 'asha' as const,
      seed: 3,
      storage: dir,
      evaluate: (config: Record<string, number | string | boolean>, budget: number) => analytic(config, budget),
    };
    await optimize({ ...options, stop: { trials: 10 } });
    const { trials } = await optimize({ ...options, stop: { trials: 25 } });
    const straight = await optimize({ ...options, storage: undefined, stop: { trials: 25 } });
    expect(trials.map((t) => [t.configId, t.budget, t.values])).to.deep.equal(straight.trials.map((t) => [t.configId, t.budget, t.values]));
    expect(Study.open(dir, { space: toySpace() }).finishedCount).to.equal(25);
    fs.rmSync(dir, { recursive: true });
  });

  it('works on the real FR-NAS space; Study.open(dir) alone rebuilds the study from its journal', async () => {
    const space = Space.fromFile(fileURLToPath(new URL('../../search-spaces/frnas-dpn.json', import.meta.url)));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-opt-'));
    const evaluate = (config: Configuration, budget: number): Record<string, number> => ({
      error: Number(config.edge1) / 9 + 1 / budget,
      disparity: (config.head === 'ArcFace' ? 0.2 : 0.5) + Number(config.lr_adam ?? config.lr_sgd),
    });
    const { trials, paretoFront } = await optimize({
      space, objectives: twoObjectives, fidelity: { min: 2.5, max: 10, eta: 2 }, scheduler: 'hyperband', seed: 222, storage: dir, stop: { trials: 20 }, evaluate,
    });
    for (const t of trials) space.validate(t.config);
    const reopened = Study.open(dir);
    expect(reopened.space.toJSON()).to.deep.equal(space.toJSON());
    expect(reopened.scheduler.name).to.equal('hyperband');
    expect(reopened.trials()).to.deep.equal(trials);
    expect(reopened.paretoFront()).to.deep.equal(paretoFront);
    reopened.close();
    fs.rmSync(dir, { recursive: true });
  });

  it("proposers 'rf' and 'nsga2' plug into the schedulers", async () => {
    const space = Space.fromFile(fileURLToPath(new URL('../../search-spaces/frnas-dpn.json', import.meta.url)));
    for (const scheduler of ['hyperband', 'asha'] as const) {
      const { trials } = await optimize({
        space, objectives: twoObjectives, fidelity: { min: 1, max: 9, eta: 3 }, scheduler, proposer: 'rf', seed: 1, stop: { trials: 25 },
        evaluate: (config, budget) => ({ error: Number(config.edge2) / 9 + 1 / budget, disparity: Number(config.edge3) / 9 }),
      });
      expect(trials.filter((t) => t.status === 'ok')).to.have.length(25);
    }
    const { trials } = await optimize({
      space, objectives: twoObjectives, scheduler: 'random', proposer: 'nsga2', seed: 1, stop: { trials: 30 },
      evaluate: (config) => ({ error: Number(config.edge2) / 9, disparity: Number(config.edge3) / 9 }),
    });
    expect(trials.filter((t) => t.status === 'ok')).to.have.length(30);
  });

  it('rejects bad options with one clear error', async () => {
    const base = { space: toySpace(), objectives: twoObjectives, evaluate: () => ({ error: 0, disparity: 0 }) };
    await expectRejection(optimize({ ...base, stop: {} }), /stop.*at least one/);
    await expectRejection(optimize({ ...base, stop: { trials: 3 }, concurrency: 0 }), /concurrency/);
    await expectRejection(optimize({ ...base, stop: { trials: -1 } }), /stop\.trials/);
  });
});

async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.match(pattern);
    return;
  }
  expect.fail(`expected a rejection matching ${pattern}`);
}
