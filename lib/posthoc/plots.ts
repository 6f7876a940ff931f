import { escapeXml, niceTicks } from '../report/index.js';

/** A model in an error-vs-disparity plot: means with ± std bars. */
export interface ModelPoint {
  label: string;
  baseline: boolean;
  front: boolean;
  x: number;
  xStd: number;
  y: number;
  yStd: number;
}

const MARGIN = { left: 70, right: 190, top: 40, bottom: 55 };

function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

function axis(values: number[]): { lo: number; hi: number; ticks: number[] } {
  const finite = values.filter(Number.isFinite);
  const ticks = niceTicks(finite.length ? Math.min(...finite) : 0, finite.length ? Math.max(...finite) : 1);
  const lo = Math.min(ticks[0] ?? 0, ...finite);
  const hi = Math.max(ticks.at(-1) ?? 1, ...finite);
  const pad = (hi - lo) * 0.05 || 0.05;
  return { lo: lo - pad, hi: hi + pad, ticks };
}

/**
 * Error (x) against a disparity measure (y), one point per model at its seed mean with ± std bars; searched
 * models are circles, baselines squares, Pareto-front members red and joined by the front's staircase.
 */
export function modelScatterSvg(points: readonly ModelPoint[], options: { title: string; xLabel: string; yLabel: string; width?: number; height?: number }): string {
  const width = options.width ?? 780;
  const height = options.height ?? 460;
  const xs = axis(points.flatMap((p) => [p.x - p.xStd, p.x + p.xStd]));
  const ys = axis(points.flatMap((p) => [p.y - p.yStd, p.y + p.yStd]));
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number): number => MARGIN.left + ((x - xs.lo) / (xs.hi - xs.lo)) * pw;
  const sy = (y: number): number => MARGIN.top + ph - ((y - ys.lo) / (ys.hi - ys.lo)) * ph;
  const f = (v: number): string => v.toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<style>.searched{fill:#1f77b4}.baseline{fill:#ff7f0e}.front{stroke:#d62728;stroke-width:2.5}.bar{stroke:#555;stroke-width:1}</style>',
    '<rect width="100%" height="100%" fill="#fff"/>',
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const t of xs.ticks) {
    parts.push(`<line x1="${f(sx(t))}" y1="${MARGIN.top}" x2="${f(sx(t))}" y2="${MARGIN.top + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${f(sx(t))}" y="${MARGIN.top + ph + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of ys.ticks) {
    parts.push(`<line x1="${MARGIN.left}" y1="${f(sy(t))}" x2="${MARGIN.left + pw}" y2="${f(sy(t))}" stroke="#eee"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${f(sy(t))}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${MARGIN.left + pw / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(`<text x="16" y="${MARGIN.top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + ph / 2})">${escapeXml(options.yLabel)}</text>`);
  const front = points.filter((p) => p.front).sort((a, b) => a.x - b.x || a.y - b.y);
  if (front.length > 1) {
    const d = [`M${f(sx(front[0].x))},${f(sy(front[0].y))}`];
    for (let i = 1; i < front.length; i++) d.push(`H${f(sx(front[i].x))}`, `V${f(sy(front[i].y))}`);
    parts.push(`<path d="${d.join(' ')}" fill="none" stroke="#d62728" stroke-width="1.5" stroke-dasharray="4 3"/>`);
  }
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const cx = sx(p.x);
    const cy = sy(p.y);
    if (p.xStd > 0) parts.push(`<line class="bar" x1="${f(sx(p.x - p.xStd))}" y1="${f(cy)}" x2="${f(sx(p.x + p.xStd))}" y2="${f(cy)}"/>`);
    if (p.yStd > 0) parts.push(`<line class="bar" x1="${f(cx)}" y1="${f(sy(p.y - p.yStd))}" x2="${f(cx)}" y2="${f(sy(p.y + p.yStd))}"/>`);
    const cls = `${p.baseline ? 'baseline' : 'searched'}${p.front ? ' front' : ''}`;
    const title = `<title>${escapeXml(`${p.label}: ${p.x.toFixed(4)} ± ${p.xStd.toFixed(4)}, ${p.y.toFixed(4)} ± ${p.yStd.toFixed(4)}`)}</title>`;
    parts.push(
      p.baseline
        ? `<rect class="${cls}" x="${f(cx - 5)}" y="${f(cy - 5)}" width="10" height="10">${title}</rect>`
        : `<circle class="${cls}" cx="${f(cx)}" cy="${f(cy)}" r="5">${title}</circle>`,
    );
    parts.push(`<text x="${f(cx + 8)}" y="${f(cy - 6)}" font-size="10">${escapeXml(p.label)}</text>`);
  }
  const legendX = width - MARGIN.right + 16;
  const legend = [
    `<circle class="searched" cx="${legendX}" cy="${MARGIN.top + 14}" r="5"/><text x="${legendX + 12}" y="${MARGIN.top + 14}" dominant-baseline="middle">searched</text>`,
    `<rect class="baseline" x="${legendX - 5}" y="${MARGIN.top + 27}" width="10" height="10"/><text x="${legendX + 12}" y="${MARGIN.top + 32}" dominant-baseline="middle">baseline</text>`,
    `<circle class="searched front" cx="${legendX}" cy="${MARGIN.top + 50}" r="5"/><text x="${legendX + 12}" y="${MARGIN.top + 50}" dominant-baseline="middle">Pareto front</text>`,
    `<text x="${legendX - 5}" y="${MARGIN.top + 72}" font-size="10">bars: ± std over seeds</text>`,
  ];
  parts.push(...legend, '</svg>');
  return parts.join('\n');
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** Grouped bars: per model, the rank-1 accuracy of each protected group (mean over seeds, ± std whiskers). */
export function groupBarsSvg(
  models: readonly { label: string; groups: Record<string, { mean: number; std: number }> }[],
  options: { title: string; yLabel: string; height?: number },
): string {
  const groups = [...new Set(models.flatMap((m) => Object.keys(m.groups)))].sort();
  const barWidth = 14;
  const slot = Math.max(groups.length * barWidth + 24, 70);
  // Room on the left and below for the slanted model names.
  const left = 150;
  const width = Math.max(480, left + models.length * slot + MARGIN.right);
  const height = options.height ?? 480;
  const ph = height - MARGIN.top - 140;
  const top = Math.max(1, ...models.flatMap((m) => Object.values(m.groups).map((g) => g.mean + g.std)));
  const ticks = niceTicks(0, top);
  const hi = Math.max(top, ticks.at(-1) ?? 1);
  const sy = (v: number): number => MARGIN.top + ph - (v / hi) * ph;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="#fff"/>',
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const t of ticks) {
    parts.push(`<line x1="${left}" y1="${sy(t).toFixed(1)}" x2="${width - MARGIN.right}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${left - 6}" y="${sy(t).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  parts.push(`<text x="${left - 50}" y="${MARGIN.top + ph / 2}" text-anchor="middle" transform="rotate(-90 ${left - 50} ${MARGIN.top + ph / 2})">${escapeXml(options.yLabel)}</text>`);
  models.forEach((m, i) => {
    const x0 = left + i * slot + 12;
    groups.forEach((g, j) => {
      const value = m.groups[g];
      if (!value || !Number.isFinite(value.mean)) return;
      const x = x0 + j * barWidth;
      parts.push(
        `<rect x="${x}" y="${sy(value.mean).toFixed(1)}" width="${barWidth - 2}" height="${(sy(0) - sy(value.mean)).toFixed(1)}" fill="${PALETTE[j % PALETTE.length]}">` +
          `<title>${escapeXml(`${m.label} ${g}: ${value.mean.toFixed(4)} ± ${value.std.toFixed(4)}`)}</title></rect>`,
      );
      if (value.std > 0) {
        const cx = (x + (barWidth - 2) / 2).toFixed(1);
        parts.push(`<line x1="${cx}" y1="${sy(Math.max(0, value.mean - value.std)).toFixed(1)}" x2="${cx}" y2="${sy(value.mean + value.std).toFixed(1)}" stroke="#222"/>`);
      }
    });
    const lx = x0 + (groups.length * barWidth) / 2;
    parts.push(`<text x="${lx.toFixed(1)}" y="${MARGIN.top + ph + 14}" text-anchor="end" font-size="10" transform="rotate(-40 ${lx.toFixed(1)} ${MARGIN.top + ph + 14})">${escapeXml(m.label)}</text>`);
  });
  parts.push(`<line x1="${left}" y1="${sy(0).toFixed(1)}" x2="${width - MARGIN.right}" y2="${sy(0).toFixed(1)}" stroke="#333"/>`);
  groups.forEach((g, j) => {
    const y = MARGIN.top + 10 + j * 18;
    const x = width - MARGIN.right + 16;
    parts.push(`<rect x="${x}" y="${y - 6}" width="12" height="12" fill="${PALETTE[j % PALETTE.length]}"/><text x="${x + 18}" y="${y}" dominant-baseline="middle">${escapeXml(g)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
