// Study#enqueue (evaluate this configuration next) and Study#addTrial (a result obtained elsewhere): recorded in the
// journal like any trial, replayed on resume, seen by the proposer, and refused with a message naming the field.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Space } from '../../lib/space/index.js';
import { JOURNAL_FILE, Study, StudyError, optimize, type ProposalContext, type Proposer, type Trial } from '../../lib/search/index.js';
import { RandomProposer } from '../../lib/search/index.js';

const space = Space.fromJSON({
  hyperparameters: {
    x: { type: 'float', lower: 0, upper: 1 },
    k: { type: 'integer', lower: 0, upper: 9 },
  },
});
const objectives = [{ name: 'error', direction: 'minimize' as const }, { name: 'disparity', direction: 'minimize' as const }];
const valuesOf = (config: Record<string, unknown>, budget: number): { error: number; disparity: number } => ({
  error: Number(config.x) / budget,
  disparity: 1 - Number(config.x) + Number(config.k) / 100,
});

/** A proposer that records the history it was shown (and proposes like the random one). */
class RecordingProposer implements Proposer {
  readonly name = 'random';
  readonly seen: number[][] = [];
  private readonly inner = new RandomProposer();
  propose(context: ProposalContext): Record<string, number | string | boolean> {
    this.seen.push(context.history.map((t) => t.id));
    return this.inner.propose(context);
  }
}

const summary = (trials: Trial[]): unknown[] =>
  trials.map((t) => [t.id, t.configId, t.budget, t.bracket, t.rung, t.parentTrialId, t.status, t.values, t.cost, t.origin]);

describe('Study: enqueue and addTrial', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-known-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('asks enqueued configurations next, in order, then proposals again', () => {
    const study = Study.inMemory({ space, objectives, seed: 3 });
    study.enqueue({ x: 0.25, k: 1 });
    study.enqueue({ x: 0.75, k: 8 });
    expect(study.enqueuedCount).to.equal(2);
    const [a, b, c] = [study.ask(), study.ask(), study.ask()];
    expect([a.config, a.origin]).to.deep.equal([{ x: 0.25, k: 1 }, 'enqueued']);
    expect([b.config, b.origin]).to.deep.equal([{ x: 0.75, k: 8 }, 'enqueued']);
    expect(c.origin).to.equal(undefined);
    expect(study.enqueuedCount).to.equal(0);
  });

  it('gives an enqueued configuration the budget of the plan and lets Hyperband promote it', () => {
    const study = Study.inMemory({ space, objectives, fidelity: { min: 1, max: 4, eta: 2 }, scheduler: 'hyperband', seed: 1 });
    study.enqueue({ x: 0, k: 0 }); // dominates every other configuration: it must be promoted
    const first = study.ask();
    expect(first.budget).to.equal(1);
    study.tell(first.id, { values: valuesOf(first.config, first.budget) });
    const promoted: Trial[] = [];
    for (let i = 0; i < 20; i++) {
      const t = study.tryAsk();
      if (!t) break;
      study.tell(t.id, { values: valuesOf(t.config, t.budget) });
      if (t.parentTrialId !== undefined && t.configId === first.configId) promoted.push(t);
    }
    expect(promoted.length, 'the enqueued configuration was never promoted').to.be.at.least(1);
  });

  it('refuses an enqueued configuration outside the space, naming the hyperparameter', () => {
    const study = Study.inMemory({ space, objectives });
    expect(() => study.enqueue({ x: 2, k: 1 })).to.throw(StudyError, /enqueue: .*'?x'?/);
    expect(() => study.enqueue({ x: 0.5, k: 1, z: 3 })).to.throw(StudyError, /z/);
    expect(study.enqueuedCount).to.equal(0);
  });

  it('records added trials as finished trials the proposer learns from and the front includes', () => {
    const proposer = new RecordingProposer();
    const study = Study.inMemory({ space, objectives, proposer, seed: 2 });
    const added = study.addTrial({ config: { x: 0.1, k: 0 }, budget: 1, values: { error: 0.01, disparity: 0.01 }, attributes: { source: 'paper' } });
    expect([added.id, added.status, added.origin, added.cost]).to.deep.equal([0, 'ok', 'added', { seconds: 0, budget: 0 }]);
    study.addTrial({ config: { x: 0.9, k: 3 }, budget: 1, status: 'failed', error: 'diverged elsewhere' });
    const asked = study.ask();
    expect(asked.id).to.equal(2);
    expect(proposer.seen[0], 'the proposer saw both added trials').to.deep.equal([0, 1]);
    study.tell(asked.id, { values: valuesOf(asked.config, 1) });
    expect(study.paretoFront().map((t) => t.id)).to.include(0);
    expect(study.addedCount).to.equal(2);
    expect(study.budgetSpent).to.equal(0 + 0 + 1);
    const failed = study.trials()[1];
    expect([failed.status, failed.error, failed.values]).to.deep.equal(['failed', 'diverged elsewhere', {}]);
  });

  it('refuses a bad known result with the field named', () => {
    const study = Study.inMemory({ space, objectives, fidelity: { min: 1, max: 4, eta: 2 } });
    expect(() => study.addTrial({ config: { x: 0.5, k: 1 }, budget: 8, values: { error: 1, disparity: 1 } })).to.throw(StudyError, /budget must be a number from fidelity.min 1 to fidelity.max 4, got 8/);
    expect(() => study.addTrial({ config: { x: 0.5, k: 1 }, budget: 1, values: { error: 1 } })).to.throw(StudyError, /values.disparity must be a finite number/);
    expect(() => study.addTrial({ config: { x: 0.5, k: 1 }, budget: 1, values: { error: Number.NaN, disparity: 1 } })).to.throw(StudyError, /values.error/);
    expect(() => study.addTrial({ config: { x: -1, k: 1 }, budget: 1, values: { error: 1, disparity: 1 } })).to.throw(StudyError, /config: .*x/);
    expect(study.trials()).to.deep.equal([]);
  });

  it('keeps enqueued and added trials in the journal: a resume continues with nothing lost or duplicated', () => {
    const options = { space, objectives, fidelity: { min: 1, max: 4, eta: 2 }, scheduler: 'hyperband' as const, seed: 5 };
    const first = Study.open(dir, options);
    first.addTrial({ config: { x: 0.3, k: 2 }, budget: 4, values: { error: 0.2, disparity: 0.5 } });
    first.enqueue({ x: 0.05, k: 0 });
    first.enqueue({ x: 0.95, k: 9 });
    const running = first.ask(); // the first enqueued configuration, left running by the "crash"
    expect(running.origin).to.equal('enqueued');
    first.close();

    const events = fs.readFileSync(path.join(dir, JOURNAL_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events.map((e) => e.type)).to.deep.equal(['header', 'added', 'enqueued', 'enqueued', 'asked']);

    const resumed = Study.open(dir, options);
    expect(resumed.addedCount).to.equal(1);
    expect(resumed.enqueuedCount, 'the second enqueued configuration is still queued').to.equal(1);
    const again = resumed.ask();
    expect([again.id, again.config]).to.deep.equal([running.id, running.config]);
    resumed.tell(again.id, { values: valuesOf(again.config, again.budget) });
    const next = resumed.ask();
    expect([next.config, next.origin]).to.deep.equal([{ x: 0.95, k: 9 }, 'enqueued']);
    resumed.tell(next.id, { values: valuesOf(next.config, next.budget) });
    const before = summary(resumed.trials());
    resumed.close();

    const replayed = Study.open(dir, options);
    expect(summary(replayed.trials())).to.deep.equal(before);
    expect(replayed.enqueuedCount).to.equal(0);
    replayed.close();
  });

  it('optimize runs its `trials` on top of added results and evaluates enqueued configurations first', async () => {
    const study = Study.open(dir, { space, objectives, seed: 4 });
    for (let i = 0; i < 5; i++) study.addTrial({ config: { x: i / 10, k: i }, budget: 1, values: valuesOf({ x: i / 10, k: i }, 1) });
    study.enqueue({ x: 0.5, k: 5 });
    study.close();
    const evaluated: Record<string, unknown>[] = [];
    const result = await optimize({
      space, objectives, seed: 4, storage: dir, stop: { trials: 3 },
      evaluate: (config, budget) => {
        evaluated.push(config);
        return valuesOf(config, budget);
      },
    });
    expect(evaluated).to.have.length(3);
    expect(evaluated[0]).to.deep.equal({ x: 0.5, k: 5 });
    expect(result.trials).to.have.length(8);
    expect(result.trials.filter((t) => t.origin === 'added')).to.have.length(5);
  });
});
