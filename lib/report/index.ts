// Public surface of lib/report; re-exported by lib/index.ts.
export { writeSearchReport, defaultReference, objectiveInterval } from './report.js';
export type { ReportBaseline } from './report.js';
export type { SearchReport, SearchReportOptions } from './report.js';
export { scatterSvg, lineChartSvg, niceTicks, escapeXml } from './svg.js';
export type { ScatterPoint, ScatterOptions, LineSeries, LineChartOptions } from './svg.js';
