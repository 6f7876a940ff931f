// The search engine on a user's own function: no tfjs, no faces. A two-objective problem with a fidelity
// (the budget shrinks a bias, as training epochs would), searched with Hyperband + the random-forest proposer.
// Run: npx tsx examples/custom-objective.ts
// frnas/search and frnas/space load no TensorFlow.js: this script starts in well under a second.
import { optimize } from '../lib/search/index.js';
import { Space, typedConfig } from '../lib/space/index.js';

const space = Space.fromJSON({
  name: 'toy',
  hyperparameters: {
    x: { type: 'float', lower: 0, upper: 1, default: 0.5 },
    y: { type: 'float', lower: 0, upper: 1, default: 0.5 },
  },
});

const { trials, paretoFront } = await optimize({
  space,
  objectives: [
    { name: 'f1', direction: 'minimize' },
    { name: 'f2', direction: 'minimize' },
  ],
  fidelity: { min: 1, max: 27, eta: 3 },
  scheduler: 'hyperband',
  proposer: 'rf',
  seed: 0,
  stop: { trials: 120 },
  evaluate: (config, budget) => {
    // Typed reads: a misspelt name or a non-number is an error naming the hyperparameter, not a silent NaN.
    const typed = typedConfig(space, config);
    const x = typed.number('x');
    const y = typed.number('y');
    const bias = 1 / budget; // low budgets see a biased version of the objectives
    return { f1: x + bias * y, f2: 1 - Math.sqrt(x) + y + bias };
  },
});

console.log(`${trials.length} trials, Pareto front of ${paretoFront.length} at the highest budget:`);
for (const t of paretoFront) console.log(`  f1=${t.values.f1.toFixed(3)} f2=${t.values.f2.toFixed(3)}  x=${Number(t.config.x).toFixed(3)} y=${Number(t.config.y).toFixed(3)}`);
