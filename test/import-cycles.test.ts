// Fails on any circle of relative imports inside lib/ (type-only imports included: a type circle still ties two
// modules into one unit that cannot be read, moved or tested apart).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative specifiers of the static `import ... from` / `export ... from` / `import '...'` statements of a source. */
export function relativeImports(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(m[1]!);
  return found;
}

/** Every cycle found by a depth-first walk, each as the list of files from its first file back to it. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

function libGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(join(root, 'lib'))) {
    const targets = relativeImports(readFileSync(file, 'utf8')).map((spec) =>
      relative(root, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))),
    );
    graph.set(relative(root, file), targets);
  }
  return graph;
}

describe('import cycles in lib/', () => {
  it('the walker reads multi-line, type-only and re-export imports', () => {
    const source = [
      "import type { A } from './a.js';",
      'import {',
      '  B,',
      "} from '../b/b.js';",
      "export { C } from './c.js';",
      "export * from './d.js';",
      "import './side.js';",
      "// import { E } from './commented.js';",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    assert.deepEqual(relativeImports(source), ['./a.js', '../b/b.js', './c.js', './d.js', './side.js']);
  });

  it('the walk finds a cycle and only cycles', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
    ]);
    assert.deepEqual(importCycles(graph), [['a', 'b', 'c', 'a']]);
    assert.deepEqual(importCycles(new Map([['a', ['b']], ['b', []]])), []);
  });

  it('no module in lib/ imports itself through others', () => {
    const graph = libGraph();
    assert.ok(graph.size > 50, `expected lib/ to hold many modules, found ${graph.size}`);
    const cycles = importCycles(graph).map((cycle) => cycle.join(' -> '));
    assert.deepEqual(cycles, [], `import cycles in lib/:\n${cycles.join('\n')}`);
  });
});
