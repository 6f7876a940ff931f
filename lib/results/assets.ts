import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

/** The vega bundles the dashboard serves and the static report copies, from node_modules: offline, no CDN. */
export const CHART_ASSETS = {
  'vega.min.js': { pkg: 'vega', file: 'build/vega.min.js' },
  'vega-lite.min.js': { pkg: 'vega-lite', file: 'build/vega-lite.min.js' },
  'vega-embed.min.js': { pkg: 'vega-embed', file: 'build/vega-embed.min.js' },
} as const;

export type ChartAssetName = keyof typeof CHART_ASSETS;

/** The file of a chart asset in node_modules (found from the package's entry point: vega-embed exports no subpaths). */
export function chartAssetPath(name: ChartAssetName): string {
  const asset = CHART_ASSETS[name];
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(asset.pkg));
  while (!existsSync(join(dir, 'package.json')) || basename(dir) !== asset.pkg) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${asset.pkg} package (npm install ${asset.pkg})`);
    dir = up;
  }
  return join(dir, asset.file);
}
