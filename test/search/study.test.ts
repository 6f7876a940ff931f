import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MemoryStorage,
  Study,
  type SchedulerName,
  type StudyEvent,
  type Trial,
} from '../../lib/search/index.js';
import { analytic, twoObjectives } from './helpers/problems.js';
import { toySpace } from './helpers/toy-space.js';

const fidelity = { min: 1, max: 27, eta: 3 };

/**
 * A deterministic driver standing in for `window` workers: keep `window` trials asked, tell the oldest,
 * until `total` trials exist. Some results are failures so that failure handling is replayed too.
 */
function drive(study: Study, total: number, window: number): void {
  const inFlight: Trial[] = [];
  for (;;) {
    // Trials a crash left running come back first from ask(), so they count as asked already.
    while (inFlight.length < window && (study.restartsPending > 0 || study.finishedCount + study.runningCount < total)) {
      inFlight.push(study.ask());
    }
    const trial = inFlight.shift();
    if (!trial) return;
    if (trial.id % 11 === 5) study.tell(trial.id, { status: 'failed', error: 'diverged', cost: { seconds: 1 } });
    else study.tell(trial.id, { values: analytic(trial.config, trial.budget), cost: { seconds: 1 } });
  }
}

const summary = (trials: Trial[]): unknown[] =>
  trials.map((t) => [t.id, t.configId, t.budget, t.bracket, t.rung, t.parentTrialId, t.status, t.values, t.cost]);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-study-test-'));
}

describe('search: Study', () => {
  it('asks, tells, and records values, cost and attributes', () => {
    const study = Study.inMemory({ space: toySpace(), objectives: twoObjectives, seed: 3 });
    const trial = study.ask();
    expect(trial.status).to.equal('running');
    expect(trial.budget).to.equal(1);
    const told = study.tell(trial.id, { values: { error: 0.2, disparity: 0.1, accuracy: 0.8 }, attributes: { note: 'x' } });
    expect(told.status).to.equal('ok');
    expect(told.values).to.deep.equal({ error: 0.2, disparity: 0.1 });
    expect(told.attributes).to.deep.equal({ note: 'x', accuracy: 0.8 });
    expect(told.cost.budget).to.equal(1);
    expect(told.cost.seconds).to.be.at.least(0);
  });

  it('turns NaN, Infinity and missing objectives into failed trials with the reason', () => {
    const study = Study.inMemory({ space: toySpace(), objectives: twoObjectives });
    const reasons = ([
      { error: Number.NaN, disparity: 1 },
      { error: 1, disparity: Number.NEGATIVE_INFINITY },
      { error: 1 },
    ] as Record<string, number>[]).map((values) => study.tell(study.ask().id, { values }).error);
    expect(reasons).to.deep.equal(["objective 'error' is NaN", "objective 'disparity' is -Infinity", "objective 'disparity' is missing"]);
    expect(study.trials().every((t) => t.status === 'failed' && Object.keys(t.values).length === 0)).to.equal(true);
  });

  it('rejects bad input with one clear error', () => {
    const space = toySpace();
    expect(() => Study.inMemory({ space, objectives: [] })).to.throw(/objectives/);
    expect(() => Study.inMemory({ space, objectives: [{ name: 'a', direction: 'down' as 'minimize' }] })).to.throw(/objectives\[0\]\.direction/);
    expect(() => Study.inMemory({ space, objectives: [{ name: 'cost', direction: 'minimize' }] })).to.throw(/reserved/);
    expect(() => Study.inMemory({ space, objectives: twoObjectives, scheduler: 'bohb' as SchedulerName })).to.throw(/scheduler/);
    const study = Study.inMemory({ space, objectives: twoObjectives });
    const t = study.ask();
    expect(() => study.tell(99, { values: {} })).to.throw(/no trial 99/);
    expect(() => study.tell(t.id, { values: { error: 1, disparity: 1 }, cost: { budget: -1 } })).to.throw(/cost\.budget/);
    study.tell(t.id, { values: { error: 1, disparity: 1 } });
    expect(() => study.tell(t.id, { values: { error: 1, disparity: 1 } })).to.throw(/already told/);
  });

  it('a promotion costs budget - parent budget by default, or what the result says', () => {
    const study = Study.inMemory({ space: toySpace(), objectives: [{ name: 'loss', direction: 'minimize' }], fidelity: { min: 1, max: 3, eta: 3 }, scheduler: 'asha' });
    for (let i = 0; i < 3; i++) study.tell(study.ask().id, { values: { loss: i } });
    const promoted = study.ask();
    expect(promoted.parentTrialId).to.equal(0);
    expect(study.previousBudget(promoted)).to.equal(1);
    expect(study.tell(promoted.id, { values: { loss: 0 } }).cost.budget).to.equal(2);
    expect(study.budgetSpent).to.equal(5);
    expect(study.checkpointDir(promoted)).to.equal(study.checkpointDir({ id: 0 }));
    expect(study.checkpointDir(promoted)).to.not.equal(study.checkpointDir({ id: 1 }));
    study.close();
  });

  it('paretoFront holds the non-dominated ok trials of the highest budget with ok trials', () => {
    const study = Study.inMemory({ space: toySpace(), objectives: twoObjectives, fidelity: { min: 1, max: 3, eta: 3 }, scheduler: 'asha' });
    const values = [[0.5, 0.5], [0.6, 0.6], [0.2, 0.9]];
    for (const [error, disparity] of values) study.tell(study.ask().id, { values: { error, disparity } });
    expect(study.paretoFront().map((t) => t.id)).to.deep.equal([0, 2]);
    const promoted = study.ask();
    expect(promoted.budget).to.equal(3);
    study.tell(promoted.id, { values: { error: 5, disparity: 5 } });
    expect(study.paretoFront().map((t) => t.id)).to.deep.equal([promoted.id]);
  });

  for (const scheduler of ['random', 'sh', 'hyperband', 'asha'] as const) {
    it(`${scheduler}: same seed and same results give the same proposals, byte for byte`, () => {
      const run = (seed: number): string => {
        const storage = new MemoryStorage();
        const study = Study.fromStorage(storage, { space: toySpace(), objectives: twoObjectives, fidelity, scheduler, seed, promotion: 'parego' });
        drive(study, 60, 3);
        return storage.events.filter((e) => e.type !== 'result').map((e) => JSON.stringify(e)).join('\n');
      };
      expect(run(11)).to.equal(run(11));
      expect(run(11)).to.not.equal(run(12));
    });

    it(`${scheduler}: resuming from any prefix of the events equals the uninterrupted run`, () => {
      const options = { space: toySpace(), objectives: twoObjectives, fidelity, scheduler, seed: 5 };
      const storage = new MemoryStorage();
      const whole = Study.fromStorage(storage, options);
      drive(whole, 45, 3);
      const events = storage.events;
      const expected = summary(whole.trials());
      const cuts = scheduler === 'hyperband' ? events.length : Math.ceil(events.length / 3);
      for (let cut = 1; cut <= events.length; cut += Math.max(1, Math.floor(events.length / cuts))) {
        const resumed = Study.fromStorage(new MemoryStorage(events.slice(0, cut)), options);
        drive(resumed, 45, 3);
        expect(JSON.stringify(summary(resumed.trials())), `cut after event ${cut}`).to.equal(JSON.stringify(expected));
      }
    });
  }

  it('asha with hypervolume promotion: resuming from any prefix of the events equals the uninterrupted run', () => {
    const options = { space: toySpace(), objectives: twoObjectives, fidelity, scheduler: 'asha' as const, seed: 9, promotion: 'hypervolume' as const };
    const storage = new MemoryStorage();
    const whole = Study.fromStorage(storage, options);
    drive(whole, 45, 3);
    expect(whole.trials().some((t) => t.parentTrialId !== undefined)).to.equal(true);
    const expected = JSON.stringify(summary(whole.trials()));
    const events = storage.events;
    for (let cut = 1; cut <= events.length; cut += 7) {
      const resumed = Study.fromStorage(new MemoryStorage(events.slice(0, cut)), { ...options, promotion: undefined });
      expect(resumed.promotion.name, 'the journal header keeps the promotion').to.equal('hypervolume');
      drive(resumed, 45, 3);
      expect(JSON.stringify(summary(resumed.trials())), `cut after event ${cut}`).to.equal(expected);
    }
  });

  describe('journal', () => {
    it('re-opening a directory resumes the study; running trials are handed out again first', () => {
      const dir = tempDir();
      const options = { space: toySpace(), objectives: twoObjectives, fidelity, scheduler: 'hyperband' as const, seed: 9 };
      const first = Study.open(dir, options);
      const a = first.ask();
      const b = first.ask();
      first.tell(a.id, { values: analytic(a.config, a.budget) });
      first.close();
      const again = Study.open(dir, options);
      expect(again.finishedCount).to.equal(1);
      expect(again.restartsPending).to.equal(1);
      const rerun = again.ask();
      expect([rerun.id, rerun.configId, rerun.budget]).to.deep.equal([b.id, b.configId, b.budget]);
      expect(again.attemptOf(b.id)).to.equal(2);
      expect(again.ask().id).to.equal(2);
      again.close();
      const lines = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as StudyEvent).type)).to.deep.equal(['header', 'asked', 'asked', 'result', 'started', 'asked']);
      fs.rmSync(dir, { recursive: true });
    });

    it('a trial left running can also be told directly, and is then not handed out again', () => {
      const storage = new MemoryStorage();
      const options = { space: toySpace(), objectives: twoObjectives, seed: 4 };
      const first = Study.fromStorage(storage, options);
      const a = first.ask();
      const b = first.ask();
      const again = Study.fromStorage(new MemoryStorage(storage.events), options);
      expect(again.restartsPending).to.equal(2);
      again.tell(a.id, { values: { error: 1, disparity: 1 } });
      expect(again.restartsPending).to.equal(1);
      expect(again.ask().id).to.equal(b.id);
      expect(again.ask().id).to.equal(2);
    });

    it('one process at a time: a live lock holder is an error, a dead one is taken over, readOnly never locks', () => {
      const dir = tempDir();
      const options = { space: toySpace(), objectives: twoObjectives, seed: 1 };
      const study = Study.open(dir, options);
      study.tell(study.ask().id, { values: { error: 1, disparity: 2 } });
      study.close();
      const lock = path.join(dir, 'journal.lock');
      expect(fs.existsSync(lock)).to.equal(false);
      fs.writeFileSync(lock, `${process.ppid}\n`); // a live process that is not this one
      expect(() => Study.open(dir, options)).to.throw(/in use by process/);
      const reader = Study.open(dir, { ...options, readOnly: true });
      expect(reader.finishedCount).to.equal(1);
      expect(() => reader.ask()).to.throw(/read-only/);
      const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();
      fs.writeFileSync(lock, `${dead}\n`);
      const resumed = Study.open(dir, options);
      expect(fs.readFileSync(lock, 'utf8').trim()).to.equal(String(process.pid));
      resumed.close();
      fs.rmSync(dir, { recursive: true });
    });

    it('drops a torn last line with a warning and goes on', () => {
      const dir = tempDir();
      const options = { space: toySpace(), objectives: twoObjectives, seed: 1 };
      const study = Study.open(dir, options);
      const t = study.ask();
      study.tell(t.id, { values: { error: 1, disparity: 2 } });
      study.close();
      const file = path.join(dir, 'journal.jsonl');
      fs.appendFileSync(file, '{"type":"asked","trial":1,"con');
      const warnings: string[] = [];
      const reopened = Study.open(dir, { ...options, onWarning: (m) => warnings.push(m) });
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/line 4: dropped a torn last line/);
      expect(reopened.finishedCount).to.equal(1);
      reopened.tell(reopened.ask().id, { values: { error: 0, disparity: 0 } });
      reopened.close();
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(lines.slice(0, -1).every((l) => JSON.parse(l) !== undefined)).to.equal(true);
      expect(Study.open(dir, options).finishedCount).to.equal(2);
      fs.rmSync(dir, { recursive: true });
    });

    it('any other corrupt line is an error naming its line number', () => {
      const dir = tempDir();
      const options = { space: toySpace(), objectives: twoObjectives, seed: 1 };
      const study = Study.open(dir, options);
      for (let i = 0; i < 3; i++) study.tell(study.ask().id, { values: { error: i, disparity: i } });
      study.close();
      const file = path.join(dir, 'journal.jsonl');
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines[3] = lines[3].slice(0, 20);
      fs.writeFileSync(file, lines.join('\n'));
      expect(() => Study.open(dir, options)).to.throw(/journal\.jsonl line 4: not valid JSON/);
      lines[3] = '{"type":"teleported","trial":1}';
      fs.writeFileSync(file, lines.join('\n'));
      expect(() => Study.open(dir, options)).to.throw(/line 4: unknown event type "teleported"/);
      fs.rmSync(dir, { recursive: true });
    });

    it('re-opening with different options is an error naming the option', () => {
      const dir = tempDir();
      const options = { space: toySpace(), objectives: twoObjectives, fidelity, scheduler: 'asha' as const, seed: 1 };
      Study.open(dir, options).close();
      expect(() => Study.open(dir, { ...options, seed: 2 })).to.throw(/created with seed 1, but the options give 2/);
      expect(() => Study.open(dir, { ...options, scheduler: 'hyperband' })).to.throw(/scheduler/);
      expect(() => Study.open(dir, { ...options, fidelity: { min: 1, max: 9, eta: 3 } })).to.throw(/fidelity/);
      expect(() => Study.open(dir, { ...options, objectives: [twoObjectives[0]] })).to.throw(/objectives/);
      fs.rmSync(dir, { recursive: true });
    });

    it('a journal the scheduler cannot replay is an error naming the line', () => {
      const dir = tempDir();
      const options = { space: toySpace(), objectives: twoObjectives, fidelity, scheduler: 'asha' as const, seed: 1 };
      const study = Study.open(dir, options);
      study.ask();
      study.close();
      const file = path.join(dir, 'journal.jsonl');
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      const event = JSON.parse(lines[1]) as { budget: number };
      event.budget = 27;
      lines[1] = JSON.stringify(event);
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      expect(() => Study.open(dir, options)).to.throw(/line 2: the journal says trial 0 ran at budget 27/);
      fs.rmSync(dir, { recursive: true });
    });
  });
});
