// A search of the FR-NAS DPN space whose trials are the reference PyTorch trainer (examples/pytorch/frnas_trainer.py),
// run through the command-trial protocol (docs/command-trials.md): train on LFW people, measure error and rank
// disparity on other people. Needs torch (`apt-get install python3-torch`) and the LFW folders in ../shared/data.
// Run: npx tsx examples/command-search.ts [study-folder] [minutes]
// The same from the CLI:
//   frnas search --space frnas-dpn --objectives error,rank_disparity --min-epochs 1 --max-epochs 4 --time 600 --out study \
//     --command "/usr/bin/python3 examples/pytorch/frnas_trainer.py --data ../shared/data/lfw_train --min-images 5 \
//                --eval-data ../shared/data/lfw_balanced --image-size 32 --max-epochs 4"
import { commandObjective, loadSpace, optimize } from '../lib/index.js';

const out = process.argv[2] ?? 'command-search-study';
const minutes = Number(process.argv[3] ?? 10);
const maxEpochs = 4;

const { trials, paretoFront } = await optimize({
  space: loadSpace('frnas-dpn'),
  objectives: [
    { name: 'error', direction: 'minimize' },
    { name: 'rank_disparity', direction: 'minimize' },
  ],
  fidelity: { min: 1, max: maxEpochs, eta: 2 },
  scheduler: 'hyperband',
  proposer: 'rf',
  seed: 0,
  storage: out, // journal, checkpoints and trial logs: run it again to resume
  stop: { seconds: minutes * 60 },
  trialTimeout: 1800,
  evaluate: commandObjective({
    command: '/usr/bin/python3',
    args: [
      'examples/pytorch/frnas_trainer.py',
      '--data', '../shared/data/lfw_train', '--min-images', '5',
      '--eval-data', '../shared/data/lfw_balanced',
      '--image-size', '32', '--max-epochs', String(maxEpochs),
    ],
    objectives: ['error', 'rank_disparity'],
    seed: 0,
    onReport: (trialId, epoch) => console.error(`trial ${trialId} epoch ${epoch.epoch}: ${JSON.stringify(epoch.values)}`),
  }),
  onTrialEnd: (t) => console.error(`trial ${t.id} (budget ${t.budget}) ${t.status}${t.error ? ` (${t.error})` : ''} ${JSON.stringify(t.values)}`),
});

console.log(`${trials.length} trials; Pareto front:`);
for (const t of paretoFront) console.log(`  trial ${t.id}: error ${t.values.error.toFixed(3)}, rank disparity ${t.values.rank_disparity.toFixed(3)}  ${JSON.stringify(t.config)}`);
