import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { optimize, Study, type Trial } from '../../lib/search/index.js';
import { analytic, twoObjectives } from './helpers/problems.js';
import { toySpace } from './helpers/toy-space.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('search: optimize stops after consecutive failed trials', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-failures-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const base = { space: toySpace(), objectives: twoObjectives, scheduler: 'random' as const, seed: 2 };
  const broken = (): never => {
    throw new Error('CUDA error: out of memory');
  };

  it('a broken evaluation stops the search after 5 failed trials in a row (default), with a clear error, and it resumes', async () => {
    let calls = 0;
    const error = await rejection(optimize({ ...base, storage: dir, stop: { trials: 50 }, evaluate: () => (calls++, broken()) }));
    expect(error.message).to.match(/stopped after 5 failed trials in a row/);
    expect(error.message).to.include('CUDA error: out of memory');
    expect(calls).to.equal(5);
    // Every told trial is in the journal; a fixed evaluation resumes the same study.
    const study = Study.open(dir, { space: toySpace() });
    expect(study.trials().map((t) => t.status)).to.deep.equal(Array(5).fill('failed'));
    study.close();
    const { trials } = await optimize({ ...base, storage: dir, stop: { trials: 12 }, evaluate: (config, budget) => analytic(config, budget) });
    expect(trials).to.have.length(12);
    expect(trials.filter((t) => t.status === 'ok')).to.have.length(7);
  });

  it('counts only failures in a row, waits for running trials, and honours maxConsecutiveFailures', async () => {
    // Every other trial fails: never 2 in a row.
    let n = 0;
    const alternating = (config: Trial['config'], budget: number) => (n++ % 2 ? broken() : analytic(config, budget));
    const { trials } = await optimize({ ...base, stop: { trials: 20 }, maxConsecutiveFailures: 2, evaluate: alternating });
    expect(trials).to.have.length(20);

    let started = 0;
    const error = await rejection(
      optimize({ ...base, storage: dir, concurrency: 3, stop: { trials: 50 }, maxConsecutiveFailures: 3, evaluate: async () => (started++, await new Promise((r) => setTimeout(r, 5)), broken()) }),
    );
    expect(error.message).to.match(/stopped after 3 failed trials in a row/);
    const study = Study.open(dir, { space: toySpace() });
    // The trials running when the limit was reached finished and were told too: nothing is left running.
    expect(study.runningCount).to.equal(0);
    expect(study.finishedCount).to.equal(started);
    study.close();
  });

  it('0 or Infinity turns the rule off; anything else is rejected', async () => {
    for (const maxConsecutiveFailures of [0, Infinity]) {
      const { trials } = await optimize({ ...base, stop: { trials: 8 }, maxConsecutiveFailures, evaluate: broken });
      expect(trials.map((t) => t.status)).to.deep.equal(Array(8).fill('failed'));
    }
    for (const bad of [-1, 2.5, Number.NaN]) {
      const error = await rejection(optimize({ ...base, stop: { trials: 8 }, maxConsecutiveFailures: bad, evaluate: broken }));
      expect(error.message).to.match(/"maxConsecutiveFailures" must be an integer >= 0/);
    }
  });
});
