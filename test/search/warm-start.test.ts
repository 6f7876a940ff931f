// Warm starts: earlier results from a study folder or a CSV file become known trials of a new study (Study#addTrial);
// `frnas search --warm-start` does it for the CLI.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Space } from '../../lib/space/index.js';
import { JOURNAL_FILE, RandomProposer, Study, StudyError, optimize, warmStart, type ProposalContext, type Proposer } from '../../lib/search/index.js';
import { loadSpace } from '../../lib/workflows/index.js';
import { runFrnas } from '../support/cli.js';

const space = Space.fromJSON({
  hyperparameters: {
    x: { type: 'float', lower: 0, upper: 1 },
    op: { type: 'categorical', choices: [0, 1, 2] },
    head: { type: 'categorical', choices: ['CosFace', 'ArcFace'] },
  },
});
const objectives = [{ name: 'error', direction: 'minimize' as const }, { name: 'disparity', direction: 'minimize' as const }];
const fidelity = { min: 1, max: 4, eta: 2 };

class RecordingProposer implements Proposer {
  readonly name = 'random';
  history: number = -1;
  private readonly inner = new RandomProposer();
  propose(context: ProposalContext): Record<string, number | string | boolean> {
    if (this.history < 0) this.history = context.history.length;
    return this.inner.propose(context);
  }
}

describe('warm start', function () {
  this.timeout(300_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frnas-warm-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('adds the rows of a CSV file: choices parsed by the space, extra columns kept, budgets outside the range left out', () => {
    const csv = write('results.csv', [
      'x,op,head,budget,error,disparity,status,error_note',
      '0.25,2,ArcFace,4,0.3,0.1,ok,',
      '0.5,0,CosFace,1,,,failed,',
      '0.75,1,CosFace,8,0.2,0.2,ok,',
      '0.125,1,"ArcFace",2,0.4,0.05,,from paper',
    ].join('\n'));
    const proposer = new RecordingProposer();
    const study = Study.inMemory({ space, objectives, fidelity, scheduler: 'random', proposer });
    expect(warmStart(study, csv)).to.deep.equal({ added: 3, outsideFidelity: 1 });
    const trials = study.trials();
    expect(trials.map((t) => [t.config, t.budget, t.status, t.values, t.origin])).to.deep.equal([
      [{ x: 0.25, op: 2, head: 'ArcFace' }, 4, 'ok', { error: 0.3, disparity: 0.1 }, 'added'],
      [{ x: 0.5, op: 0, head: 'CosFace' }, 1, 'failed', {}, 'added'],
      [{ x: 0.125, op: 1, head: 'ArcFace' }, 2, 'ok', { error: 0.4, disparity: 0.05 }, 'added'],
    ]);
    expect(trials[2].attributes).to.deep.equal({ error_note: 'from paper' });
    study.ask();
    expect(proposer.history, 'the proposer saw the three added results').to.equal(3);
  });

  it('refuses a row that does not fit, naming the file, line and field, and adds nothing', () => {
    const study = Study.inMemory({ space, objectives, fidelity });
    const badChoice = write('bad-choice.csv', 'x,op,head,budget,error,disparity\n0.2,1,CosFace,1,0.1,0.1\n0.2,7,CosFace,1,0.1,0.1\n');
    expect(() => warmStart(study, badChoice)).to.throw(StudyError, /bad-choice.csv line 3: op must be one of 0, 1, 2, got "7"/);
    const missing = write('missing.csv', 'x,op,head,budget,error\n0.2,1,CosFace,1,0.1\n');
    expect(() => warmStart(study, missing)).to.throw(StudyError, /missing.csv line 2: values.disparity must be a finite number/);
    const noBudget = write('nobudget.csv', 'x,op,head,error,disparity\n0.2,1,CosFace,0.1,0.1\n');
    expect(() => warmStart(study, noBudget)).to.throw(StudyError, /nobudget.csv line 1: no "budget" column/);
    const outside = write('outside.csv', 'x,op,head,budget,error,disparity\n1.5,1,CosFace,1,0.1,0.1\n');
    expect(() => warmStart(study, outside)).to.throw(StudyError, /outside.csv line 2: config: .*x/);
    expect(() => warmStart(study, path.join(dir, 'nowhere'))).to.throw(StudyError, /does not exist/);
    expect(study.trials()).to.deep.equal([]);
  });

  it('adds the finished trials of an earlier study folder', async () => {
    const earlier = path.join(dir, 'earlier');
    await optimize({
      space, objectives, fidelity, scheduler: 'hyperband', seed: 1, storage: earlier, stop: { trials: 8 },
      evaluate: (config, budget) => ({ error: Number(config.x) / budget, disparity: Number(config.op) / 3 }),
    });
    const before = Study.open(earlier, { readOnly: true });
    const earlierTrials = before.trials();
    before.close();
    const study = Study.open(path.join(dir, 'new'), { space, objectives, fidelity, seed: 2 });
    expect(warmStart(study, earlier)).to.deep.equal({ added: 8, outsideFidelity: 0 });
    expect(study.trials().map((t) => [t.config, t.budget, t.values])).to.deep.equal(earlierTrials.map((t) => [t.config, t.budget, t.values]));
    study.close();
    const events = fs.readFileSync(path.join(dir, 'new', JOURNAL_FILE), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(events.filter((t) => t === 'added')).to.have.length(8);
  });

  it('`frnas search --warm-start <csv>` adds the results to a new study once, not again on resume', () => {
    const frnasDpn = loadSpace('frnas-dpn');
    const [a, b] = frnasDpn.sample(2, 9);
    const cell = (v: unknown): string => (v === undefined ? '' : String(v));
    const csv = write('known.csv', [
      `${frnasDpn.names.join(',')},budget,error,rank_disparity`,
      ...[a, b].map((c, i) => `${frnasDpn.names.map((n) => cell(c[n])).join(',')},1,${0.5 + i / 10},${0.1 * i}`),
    ].join('\n'));
    const out = path.join(dir, 'study');
    const args = ['search', '--data', 'synthetic:identities=6,images=4', '--image-size', '8', '--batch-size', '16',
      '--min-epochs', '1', '--max-epochs', '1', '--scheduler', 'random', '--trials', '1', '--seed', '3', '--no-default',
      '--warm-start', csv, '--out', out];
    const first = runFrnas(args);
    expect(first.code, first.output).to.equal(0);
    expect(first.output).to.match(/Warm start: 2 earlier results added/);
    const study = Study.open(out, { readOnly: true });
    const trials = study.trials();
    study.close();
    expect(trials.map((t) => t.origin)).to.deep.equal(['added', 'added', undefined]);
    expect(trials[0].config).to.deep.equal(a);
    const again = runFrnas(args);
    expect(again.code, again.output).to.equal(0);
    expect(again.output).to.match(/Warm start: the study already had trials/);
    const reopened = Study.open(out, { readOnly: true });
    expect(reopened.trials()).to.have.length(3);
    reopened.close();
  });
});
