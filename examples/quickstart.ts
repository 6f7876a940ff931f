// A joint NAS+HPO search for fairer face recognition on synthetic faces, from code: the FR-NAS DPN space,
// Hyperband from 1 to 4 epochs, the random-forest proposer, objectives error and rank disparity.
// Run: npx tsx examples/quickstart.ts   (a few minutes on two cores; re-running resumes)
import { search } from '../lib/index.js';

const outcome = await search({
  out: 'runs/quickstart-example',
  data: 'synthetic',
  trials: 16,
  minEpochs: 1,
  maxEpochs: 4,
  eta: 2,
  seed: 0,
  onTrialEnd: (t) => console.log(`trial ${t.id} at ${t.budget} epochs: ${t.status} ${JSON.stringify(t.values)}`),
});

console.log(`\nPareto front (${outcome.report.front.length}) at ${outcome.report.budget} epochs:`);
for (const t of outcome.report.front) {
  console.log(`  error=${t.values.error.toFixed(3)} rank_disparity=${t.values.rank_disparity.toFixed(3)}  ${JSON.stringify(t.config)}`);
}
if (outcome.defaultTrial) console.log(`default: ${JSON.stringify(outcome.defaultTrial.values)}`);
console.log(`report: ${outcome.report.files.html}`);
