// The Node side of the Optuna bridge (benchmarks/optuna/run_optuna_yahpo.py): answers JSON lines on stdin with JSON lines
// on stdout, so Optuna (Python, no onnxruntime in Debian) queries the same surrogates as frnas.
//   {"op": "problems"}                                   -> {"problems": [{name, objectives, fidelity, space, referencePoint}]}
//   {"op": "evaluate", "problem": P, "config": {...}}    -> {"status": "ok", "values": [...]} at P's full budget
//   node --import tsx benchmarks/yahpo/serve.ts [--yahpo-dir ../shared/data/yahpo]
import { createInterface } from 'node:readline';
import { yahpoSuiteProblems, type YahpoProblem } from '../../lib/bench/index.js';

const dirFlag = process.argv.indexOf('--yahpo-dir');
const problems = new Map<string, YahpoProblem>(yahpoSuiteProblems({ dataDir: dirFlag > 0 ? process.argv[dirFlag + 1] : undefined }).map((p) => [p.name, p]));
const reply = (message: unknown): void => void process.stdout.write(JSON.stringify(message) + '\n');

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  try {
    const request = JSON.parse(line) as { op: string; problem?: string; config?: Record<string, number | string> };
    if (request.op === 'problems') {
      reply({
        problems: [...problems.values()].map((p) => ({
          name: p.name,
          objectives: p.objectives,
          fidelity: p.fidelity,
          space: p.space().toJSON(),
          referencePoint: p.referencePoint,
        })),
      });
    } else if (request.op === 'evaluate') {
      const problem = problems.get(request.problem ?? '');
      if (!problem) throw new Error(`unknown problem ${JSON.stringify(request.problem)}`);
      problem.space().validate(request.config ?? {});
      const evaluation = problem.evaluate(request.config ?? {}, problem.fidelity.max);
      reply(evaluation.status === 'ok' ? { status: 'ok', values: problem.objectives.map((o) => evaluation.values[o.name]) } : evaluation);
    } else {
      throw new Error(`unknown op ${JSON.stringify(request.op)}`);
    }
  } catch (error) {
    reply({ status: 'error', error: (error as Error).message });
  }
});
lines.on('close', () => problems.forEach((p) => p.close()));
