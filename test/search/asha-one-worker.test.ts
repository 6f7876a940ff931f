import { expect } from 'chai';
import { analyticProblem, runMetrics, runSimulated, type BenchmarkMethod } from '../../lib/bench/index.js';
import { Asha } from '../../lib/search/schedulers/asha.js';
import { NonDominatedCrowdingPromotion } from '../../lib/search/promotion/nds-crowding.js';
import type { Trial } from '../../lib/search/types.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('ASHA with one worker', function () {
  this.timeout(60_000);

  // Issue 23 reported ASHA with one worker far below Hyperband + random. On DTLZ2 with a fidelity (1,350 epochs,
  // seeds 1-5) ASHA + random proposals measured 0.46 of the true front's hypervolume against Hyperband + random's
  // 0.26 (docs/benchmarks.md, "ASHA with one worker"); this pins "not worse", with the gap as the margin.
  it('is not worse than Hyperband + random on DTLZ2 (median hypervolume ratio over 5 seeds)', () => {
    const problem = analyticProblem('dtlz2');
    const budget = 1350;
    const ratio = (method: BenchmarkMethod): number =>
      median([1, 2, 3, 4, 5].map((seed) => runMetrics(runSimulated({ problem, method, seed, budgetEpochs: budget }), problem, budget).hypervolumeRatio));
    const asha = ratio({ name: 'asha+random', scheduler: 'asha', proposer: 'random', workers: 1 });
    const hyperband = ratio({ name: 'hyperband+random', scheduler: 'hyperband', proposer: 'random' });
    expect(asha).to.be.at.least(hyperband);
  });
});

describe("ASHA with brackets: 'hyperband' (asynchronous Hyperband)", () => {
  const setup = { fidelity: { min: 1, max: 27, eta: 3 }, objectives: [{ name: 'loss', direction: 'minimize' as const }], promotion: new NonDominatedCrowdingPromotion(), seed: '7' };

  function drive(asha: Asha, steps: number): Trial[] {
    const trials: Trial[] = [];
    for (let id = 0; id < steps; id++) {
      const plan = asha.next();
      const trial: Trial = {
        id, config: { x: id }, configId: `c${plan.parentTrialId ?? id}`, budget: plan.budget, status: 'ok',
        values: { loss: (id * 7919) % 101 }, cost: { seconds: 0, budget: plan.budget }, attributes: {},
        bracket: plan.bracket, rung: plan.rung, parentTrialId: plan.parentTrialId,
      };
      asha.onAsked(trial);
      asha.onResult(trial);
      trials.push(trial);
    }
    return trials;
  }

  it("starts new configurations in every bracket with Hyperband's weights and promotes inside each bracket", () => {
    const asha = new Asha({ brackets: 'hyperband' });
    asha.init(setup);
    const trials = drive(asha, 3000);
    const starts = trials.filter((t) => t.parentTrialId === undefined);
    // Synchronous Hyperband starts 27, 12, 6 and 4 configurations in brackets 0-3 (weights 27/49 … 4/49).
    const share = [0, 1, 2, 3].map((b) => starts.filter((t) => t.bracket === b).length / starts.length);
    [27 / 49, 12 / 49, 6 / 49, 4 / 49].forEach((w, b) => expect(share[b]).to.be.closeTo(w, 0.05));
    for (const t of starts) expect(t.rung).to.equal(t.bracket);
    const byId = new Map(trials.map((t) => [t.id, t]));
    for (const t of trials.filter((x) => x.parentTrialId !== undefined)) {
      const parent = byId.get(t.parentTrialId as number) as Trial;
      expect(parent.bracket).to.equal(t.bracket);
      expect(t.rung).to.equal((parent.rung as number) + 1);
      expect(t.budget).to.equal(parent.budget * 3);
    }
    expect(asha.describe()).to.deep.equal({ brackets: 'hyperband' });
    expect(new Asha().describe()).to.deep.equal({});
  });

  it('the same calls give the same plans (replay from a journal)', () => {
    const a = new Asha({ brackets: 'hyperband' });
    const b = new Asha({ brackets: 'hyperband' });
    a.init(setup);
    b.init(setup);
    expect(drive(a, 500).map((t) => [t.bracket, t.rung, t.parentTrialId])).to.deep.equal(drive(b, 500).map((t) => [t.bracket, t.rung, t.parentTrialId]));
  });

  it('refuses other bracket settings', () => {
    expect(() => new Asha({ brackets: 2 as 1 })).to.throw(/brackets must be 1 or 'hyperband'/);
  });
});
