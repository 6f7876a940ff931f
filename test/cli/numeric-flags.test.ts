import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { buildProgram } from '../../lib/cli/main.js';
import { runFrnas } from '../support/cli.js';

const frnas = runFrnas;

const STUDY = ['--min-epochs', '--max-epochs', '--eta', '--trials', '--budget', '--time', '--max-consecutive-failures', '--seed'];
/** The training options of search and train (addTrainingOptions). */
const TRAINING = ['--min-images', '--center-crop', '--head-scale', '--head-margin'];
/** Every flag that takes a number (or a list of numbers), by command. */
const NUMERIC: Record<string, string[]> = {
  search: [...STUDY, ...TRAINING, '--workers', '--image-size', '--batch-size', '--trial-timeout', '--max-params'],
  coordinate: [...STUDY, ...TRAINING, '--in-flight', '--trial-timeout', '--image-size', '--batch-size'],
  worker: ['--concurrency', '--lock-duration', '--stalled-interval', '--max-stalled', '--kill-grace'],
  'create-configs': ['--batch-size', '--lr', '--momentum', '--weight-decay', '--lr-cycle-decay'],
  train: [...TRAINING, '--epochs', '--image-size'],
  retrain: ['--seeds', '--top', '--trials', '--epochs', '--workers', '--image-size', '--batch-size', '--split-seed', '--evaluate-every'],
  evaluate: ['--far'],
  bench: ['--seeds', '--synthetic-budget', '--phase1-budget'],
  dashboard: ['--port'],
};
/** Flags that take a value that is not a number. */
const OTHER = new Set([
  '--out', '--space', '--data', '--scheduler', '--proposer', '--proposer-data', '--training-data', '--promotion', '--objectives', '--backend', '--model', '--redis', '--study',
  '--checkpoints', '--tell-order', '--evaluator', '--evaluator-options', '--backbone', '--head', '--optimizer', '--sched', '--config', '--baseline-config',
  '--name', '--split', '--measures', '--baseline', '--suite', '--phase1-csv', '--phase1-disparity', '--methods', '--other-trials',
  '--eval-data', '--augment', '--loss', '--recipe', '--data-root', '--warm-start',
  '--format', '--host', '--command', '--yahpo-dir',
]);

const takesValue = (option: Option): boolean => option.required || option.optional;

describe('frnas CLI: numeric flags', function () {
  this.timeout(60_000);
  const program = buildProgram();
  const command = (name: string): Command => {
    const found = program.commands.find((c) => c.name() === name);
    if (!found) throw new Error(`no command ${name}`);
    return found;
  };

  it('every flag that takes a value is known here as numeric or not', () => {
    for (const sub of program.commands) {
      for (const option of sub.options.filter(takesValue)) {
        const flag = option.long as string;
        expect(NUMERIC[sub.name()]?.includes(flag) || OTHER.has(flag), `frnas ${sub.name()} ${flag}`).to.equal(true);
      }
    }
  });

  it('every numeric flag of every command rejects a non-number with one error naming the flag and the value', () => {
    for (const [name, flags] of Object.entries(NUMERIC)) {
      for (const flag of flags) {
        const option = command(name).options.find((o) => o.long === flag);
        expect(option?.parseArg, `frnas ${name} ${flag} has no parser`).to.be.a('function');
        for (const bad of ['abc', '', '1x', 'NaN']) {
          let message = '';
          try {
            option?.parseArg?.(bad, undefined);
          } catch (error) {
            message = (error as Error).message;
          }
          expect(message, `frnas ${name} ${flag} ${JSON.stringify(bad)}`).to.include(flag).and.include(`"${bad}"`);
        }
      }
    }
  });

  it('a bad number exits with code 2 before anything is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'frnas-numeric-'));
    try {
      // Bounded to one tiny trial, should the flag ever be accepted again.
      const seed = frnas(['search', '--seed', 'abc', '--trials', '1', '--max-epochs', '1', '--image-size', '8', '--data', 'synthetic:identities=4,images=2', '--no-default', '--out', dir]);
      expect(seed.code, seed.output).to.equal(2);
      expect(seed.output).to.match(/--seed must be an integer >= 0, got "abc"/);
      expect(existsSync(join(dir, 'journal.jsonl'))).to.equal(false);
      const lr = frnas(['create-configs', '--backbone', 'resnet18', '--lr', 'fast', '--out', dir]);
      expect(lr.code, lr.output).to.equal(2);
      expect(lr.output).to.match(/--lr must be a positive number, got "fast"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
