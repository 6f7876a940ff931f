// `frnas export` and `frnas dashboard`: a study's trials as a table, and the live dashboard (docs/dashboard.md).
import { Command, InvalidArgumentError, Option } from 'commander';
import { startDashboard } from '../dashboard/index.js';
import { exportTrials, type ExportFormat } from '../results/index.js';

function port(text: string): number {
  const v = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(v) || v > 65535) throw new InvalidArgumentError(`--port must be an integer in 0..65535, got "${text}"`);
  return v;
}

export function registerResultsCommands(program: Command): void {
  program
    .command('export')
    .description('write every trial of a study (configuration flattened, budget, status, values, cost, parent, per-group figures) as CSV or JSON')
    .argument('<dir>', 'study folder (a running search can be exported: the journal is read without its lock)')
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(async (dir: string, o: { format: ExportFormat; out?: string }) => {
      const exported = await exportTrials(dir, { format: o.format, out: o.out });
      if (exported.file) console.error(`Wrote ${exported.rows.length} trials to ${exported.file}`);
      else process.stdout.write(exported.content);
    });

  program
    .command('dashboard')
    .description('serve a live, read-only dashboard of study folders (binds 127.0.0.1 unless --host says otherwise)')
    .argument('<dirs...>', 'study folders, shown side by side; running searches update live')
    .option('--port <n>', 'port (0: any free one)', port, 8080)
    .option('--host <address>', 'interface to bind, e.g. 0.0.0.0 to let other machines in (the journal contents become visible to them)', '127.0.0.1')
    .action(async (dirs: string[], o: { port: number; host: string }) => {
      const dashboard = await startDashboard({ studies: dirs, port: o.port, host: o.host });
      console.log(`frnas dashboard: ${dashboard.url} (Ctrl-C stops it)`);
      await new Promise<void>((done) => {
        process.once('SIGINT', () => void dashboard.close().then(done));
        process.once('SIGTERM', () => void dashboard.close().then(done));
      });
    });
}
