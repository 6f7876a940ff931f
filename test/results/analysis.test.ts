import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hypervolume } from '../../lib/pareto/index.js';
import {
  chooseModel,
  curvesOverRungs,
  frontsByBudget,
  hypervolumeHistory,
  parameterImportance,
  readStudySnapshot,
  retrainCommand,
  studyView,
  type StudySnapshot,
} from '../../lib/results/index.js';
import type { ObjectiveSpec, Trial } from '../../lib/search/types.js';
import { writeSyntheticStudy } from './synthetic-study.js';

const objectives: ObjectiveSpec[] = [
  { name: 'error', direction: 'minimize' },
  { name: 'disparity', direction: 'minimize' },
];

function trial(id: number, budget: number, error: number, disparity: number, status: Trial['status'] = 'ok'): Trial {
  return { id, config: { x: id }, configId: `c${id % 4}`, budget, status, values: status === 'ok' ? { error, disparity } : {}, cost: { seconds: 2, budget }, attributes: {} };
}

describe('results: analysis', function () {
  this.timeout(60_000);
  // Budget 3: (0.1, 0.9), (0.5, 0.5), (0.9, 0.1) form the front, (0.6, 0.6) is dominated; budget 1 has its own front.
  const trials = [trial(0, 1, 0.3, 0.3), trial(1, 1, 0.2, 0.8), trial(2, 3, 0.1, 0.9), trial(3, 3, 0.5, 0.5), trial(4, 3, 0.9, 0.1), trial(5, 3, 0.6, 0.6), trial(6, 3, 0, 0, 'failed')];

  it('fronts at every budget, with their own reference points and hypervolumes', () => {
    const fronts = frontsByBudget(trials, objectives);
    expect(fronts.map((f) => f.budget)).to.deep.equal([1, 3]);
    expect(fronts[1].candidates).to.deep.equal([2, 3, 4, 5]);
    expect(fronts[1].front).to.deep.equal([2, 3, 4]);
    expect(fronts[0].front).to.deep.equal([0, 1]);
    expect(fronts[1].hypervolume).to.be.closeTo(hypervolume([[0.1, 0.9], [0.5, 0.5], [0.9, 0.1]], fronts[1].reference), 1e-12);
  });

  it('hypervolume history: in finish order, never decreasing, ending at each front\'s hypervolume', () => {
    const fronts = frontsByBudget(trials, objectives);
    const finishOrder = [0, 2, 1, 5, 6, 3, 4];
    const history = hypervolumeHistory({ trials, finishOrder, objectives }, fronts);
    expect(history).to.have.length(finishOrder.length * fronts.length);
    for (const f of fronts) {
      const series = history.filter((p) => p.budget === f.budget);
      for (let i = 1; i < series.length; i++) expect(series[i].hypervolume).to.be.at.least(series[i - 1].hypervolume);
      expect(series.at(-1)?.hypervolume).to.be.closeTo(f.hypervolume, 1e-12);
    }
    // Each value is the hypervolume of every ok point seen so far at that budget (computed here from scratch).
    finishOrder.forEach((_, i) => {
      for (const f of fronts) {
        const seen = finishOrder.slice(0, i + 1).map((id) => trials[id]).filter((t) => t.status === 'ok' && t.budget === f.budget);
        const expected = seen.length ? hypervolume(seen.map((t) => [t.values.error, t.values.disparity]), f.reference) : 0;
        expect(history.find((p) => p.finished === i + 1 && p.budget === f.budget)?.hypervolume).to.be.closeTo(expected, 1e-12);
      }
    });
    const last = history.at(-1);
    expect(last?.budgetSpent).to.equal(1 + 3 + 1 + 3 + 3 + 3 + 3);
    expect(last?.trialSeconds).to.equal(14);
  });

  it('choose a model: the knee is the balanced member; weights pick the extremes', () => {
    const top = frontsByBudget(trials, objectives)[1];
    expect(chooseModel(trials, objectives, top).trial).to.equal(3);
    expect(chooseModel(trials, objectives, top, { error: 1, disparity: 0 }).trial).to.equal(2);
    expect(chooseModel(trials, objectives, top, { error: 0, disparity: 5 }).trial).to.equal(4);
    expect(() => chooseModel(trials, objectives, top, { error: -1, disparity: 1 })).to.throw(/weight of 'error' must be a number >= 0/);
    expect(() => chooseModel(trials, objectives, top, { error: 0, disparity: 0 })).to.throw(/at least one weight/);
  });

  it('curves over rungs group a configuration\'s ok trials by budget', () => {
    const curves = curvesOverRungs(trials);
    const c1 = curves.find((c) => c.configId === 'c1');
    // Trials 1 (budget 1) and 5 (budget 3) share configId c1.
    expect(c1?.points.map((p) => [p.trial, p.budget])).to.deep.equal([[1, 1], [5, 3]]);
  });

  it('retrain command: exact, sorted ids, quoted paths', () => {
    expect(retrainCommand('runs/q', [12, 3])).to.equal('frnas retrain runs/q --trials 3,12');
    expect(retrainCommand("/tmp/my study's", [1])).to.equal(`frnas retrain '/tmp/my study'\\''s' --trials 1`);
  });

  describe('parameter importance', () => {
    let dir = '';
    let snapshot: StudySnapshot;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'frnas-importance-'));
      await writeSyntheticStudy(dir, { trials: 60 });
      snapshot = readStudySnapshot(dir);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('ranks the hyperparameter an objective depends on first, shares sum to 1, same study -> same figures', () => {
      const importance = parameterImportance(snapshot);
      expect(importance.map((i) => i.objective)).to.deep.equal(['error', 'rank_disparity']);
      for (const entry of importance) {
        // Both objectives depend mostly on x; the label enters neither.
        expect(entry.importances[0].parameter).to.equal('x');
        const label = entry.importances.find((p) => p.parameter === 'label')?.importance ?? 1;
        expect(label).to.be.below(0.05);
        expect(entry.importances.reduce((s, p) => s + p.importance, 0)).to.be.closeTo(1, 1e-9);
      }
      expect(parameterImportance(snapshot)).to.deep.equal(importance);
    });

    it('a large study\'s importance is reused by the next view until its ok trials grew by 5 %', async () => {
      const big = mkdtempSync(join(tmpdir(), 'frnas-importance-reuse-'));
      try {
        await writeSyntheticStudy(big, { trials: 130 });
        const first = studyView(readStudySnapshot(big), 'a');
        const fitted = first.importance[0].trials;
        expect(fitted).to.be.at.least(100);
        await writeSyntheticStudy(big, { trials: 131 });
        const second = studyView(readStudySnapshot(big), 'b', first);
        expect(second.counts.ok).to.be.greaterThan(fitted);
        expect(second.importance).to.equal(first.importance);
        await writeSyntheticStudy(big, { trials: 150 });
        const third = studyView(readStudySnapshot(big), 'c', second);
        expect(third.importance[0].trials).to.equal(third.counts.ok);
        expect(third.counts.ok).to.be.at.least(fitted * 1.05);
      } finally {
        rmSync(big, { recursive: true, force: true });
      }
    });

    it('is empty below 8 ok trials', () => {
      expect(parameterImportance({ ...snapshot, trials: snapshot.trials.filter((t) => t.status === 'ok').slice(0, 7) })).to.deep.equal([]);
    });
  });
});
