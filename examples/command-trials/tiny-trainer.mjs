/* global process, console */
// The command-trial protocol in a few lines of Node (docs/command-trials.md): read the trial, "train", report.
// frnas search --space my-space.json --objectives loss,size --command "node examples/command-trials/tiny-trainer.mjs" --out study
import { readFileSync } from 'node:fs';

const trial = JSON.parse(readFileSync(process.env.FRNAS_TRIAL_FILE, 'utf8'));
const report = (line) => console.log('frnas:' + JSON.stringify(line));
for (let epoch = trial.previousBudget + 1; epoch <= trial.budget; epoch++) report({ epoch, values: { loss: 1 / epoch } });
const x = Object.values(trial.config).filter((v) => typeof v === 'number');
report({ final: true, values: { loss: x.reduce((s, v) => s + v * v, 0) + 1 / trial.budget, size: x.length } });
