// Hand-written SVG charts: no plotting dependency, output that any browser or rsvg renders the same.

export interface ScatterPoint {
  x: number;
  y: number;
  /** CSS class: 'front', 'dominated', 'default' or anything the caller styles. */
  kind: string;
  /** Tooltip text (an SVG <title>). */
  label?: string;
}

export interface ScatterOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Draw the staircase through the points of this kind (the Pareto front), in x order. */
  stepKind?: string;
}

export interface LineSeries {
  name: string;
  points: { x: number; y: number }[];
  /** Optional band (e.g. inter-quartile range) drawn under the line. */
  band?: { x: number; lo: number; hi: number }[];
  /** Draw as a step function (value holds until the next x), e.g. best-so-far curves. */
  step?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const MARGIN = { left: 70, right: 20, top: 40, bottom: 55 };
/** Extra right margin of scatter plots: the legend lives there so it never hides a point. */
const LEGEND_WIDTH = 160;

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Round tick values covering [lo, hi] (Heckbert's nice numbers). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const rawStep = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const fraction = rawStep / magnitude;
  const step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

interface Frame {
  sx: (x: number) => number;
  sy: (y: number) => number;
  parts: string[];
  close: () => string;
}

/** Opens an SVG with axes, ticks, labels and title over the given data extent. */
function openFrame(
  xs: number[],
  ys: number[],
  o: { title: string; xLabel: string; yLabel: string; width: number; height: number; rightMargin?: number },
): Frame {
  const finite = (v: number[]) => v.filter(Number.isFinite);
  const fx = finite(xs);
  const fy = finite(ys);
  const xTicks = niceTicks(fx.length ? Math.min(...fx) : 0, fx.length ? Math.max(...fx) : 1);
  const yTicks = niceTicks(fy.length ? Math.min(...fy) : 0, fy.length ? Math.max(...fy) : 1);
  // 5 % padding so markers on the extremes are not cut by the frame.
  const padded = (lo: number, hi: number): [number, number] => {
    const pad = (hi - lo) * 0.05;
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = padded(Math.min(xTicks[0] ?? 0, ...fx), Math.max(xTicks[xTicks.length - 1] ?? 1, ...fx));
  const [y0, y1] = padded(Math.min(yTicks[0] ?? 0, ...fy), Math.max(yTicks[yTicks.length - 1] ?? 1, ...fy));
  const pw = o.width - MARGIN.left - (o.rightMargin ?? MARGIN.right);
  const ph = o.height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => MARGIN.top + ph - (y1 === y0 ? 0.5 : (y - y0) / (y1 - y0)) * ph;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}" viewBox="0 0 ${o.width} ${o.height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${o.width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(o.title)}</text>`,
  ];
  for (const t of xTicks) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + ph + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of yTicks) {
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + pw}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${MARGIN.left + pw / 2}" y="${o.height - 14}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  parts.push(
    `<text x="16" y="${MARGIN.top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + ph / 2})">${escapeXml(o.yLabel)}</text>`,
  );
  return { sx, sy, parts, close: () => parts.concat('</svg>').join('\n') };
}

/** A scatter plot; points of `stepKind` are joined by the attainment staircase of a Pareto front. */
export function scatterSvg(points: readonly ScatterPoint[], options: ScatterOptions): string {
  const frame = openFrame(
    points.map((p) => p.x),
    points.map((p) => p.y),
    {
      title: options.title,
      xLabel: options.xLabel,
      yLabel: options.yLabel,
      width: options.width ?? 760,
      height: options.height ?? 440,
      rightMargin: LEGEND_WIDTH,
    },
  );
  const { sx, sy, parts } = frame;
  parts.push(
    '<style>.dominated{fill:#9aa5b1;fill-opacity:.45}.front{fill:#d62728}.default{fill:none;stroke:#111;stroke-width:2}.baseline{fill:none;stroke:#1f77b4;stroke-width:2;stroke-dasharray:3 2}</style>',
  );
  if (options.stepKind) {
    const front = points.filter((p) => p.kind === options.stepKind).sort((a, b) => a.x - b.x || a.y - b.y);
    if (front.length > 1) {
      const path: string[] = [`M${sx(front[0].x).toFixed(1)},${sy(front[0].y).toFixed(1)}`];
      for (let i = 1; i < front.length; i++) {
        // Horizontal then vertical: the attainment staircase of a front sorted by x.
        path.push(`L${sx(front[i].x).toFixed(1)},${sy(front[i - 1].y).toFixed(1)}`, `L${sx(front[i].x).toFixed(1)},${sy(front[i].y).toFixed(1)}`);
      }
      parts.push(`<path d="${path.join(' ')}" fill="none" stroke="#d62728" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    }
  }
  // Dominated first so front points are drawn on top.
  const order = [...points].sort((a, b) => Number(a.kind !== 'dominated') - Number(b.kind !== 'dominated'));
  for (const p of order) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const r = p.kind === 'default' || p.kind === 'baseline' ? 8 : p.kind === 'front' ? 5 : 4;
    const title = p.label ? `<title>${escapeXml(p.label)}</title>` : '';
    parts.push(`<circle class="${escapeXml(p.kind)}" cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="${r}">${title}</circle>`);
  }
  const legend: [string, string][] = [
    ['front', 'Pareto front'],
    ['dominated', 'dominated'],
    ['default', 'default configuration'],
    ['baseline', 'raw pixels'],
  ];
  const present = legend.filter(([k]) => points.some((p) => p.kind === k));
  present.forEach(([kind, text], i) => {
    const y = MARGIN.top + 14 + i * 18;
    const x = (options.width ?? 760) - LEGEND_WIDTH + 16;
    parts.push(`<circle class="${kind}" cx="${x}" cy="${y}" r="5"/><text x="${x + 12}" y="${y}" dominant-baseline="middle">${text}</text>`);
  });
  return frame.close();
}

/** A line chart of one or more series, each with an optional shaded band. */
export function lineChartSvg(series: readonly LineSeries[], options: LineChartOptions): string {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => [...s.points.map((p) => p.y), ...(s.band ?? []).flatMap((b) => [b.lo, b.hi])]);
  const frame = openFrame(xs, ys, {
    title: options.title,
    xLabel: options.xLabel,
    yLabel: options.yLabel,
    width: options.width ?? 640,
    height: options.height ?? 400,
  });
  const { sx, sy, parts } = frame;
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    if (s.band && s.band.length > 1) {
      const upper = s.band.map((b) => `${sx(b.x).toFixed(1)},${sy(b.hi).toFixed(1)}`);
      const lower = [...s.band].reverse().map((b) => `${sx(b.x).toFixed(1)},${sy(b.lo).toFixed(1)}`);
      parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    }
    if (s.points.length > 0) {
      const d = s.points
        .map((p, j) => {
          const to = `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`;
          if (j === 0) return `M${to}`;
          // A step holds the previous value until this x, then jumps.
          return s.step ? `L${sx(p.x).toFixed(1)},${sy(s.points[j - 1].y).toFixed(1)} L${to}` : `L${to}`;
        })
        .join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"><title>${escapeXml(s.name)}</title></path>`);
    }
    const y = MARGIN.top + 14 + i * 18;
    const x = MARGIN.left + 10;
    parts.push(`<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${x + 24}" y="${y}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  return frame.close();
}
