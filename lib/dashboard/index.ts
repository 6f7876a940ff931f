// Public surface of lib/dashboard: the live, read-only web dashboard of study folders (docs/dashboard.md).
export { startDashboard } from './server.js';
export type { Dashboard, DashboardOptions } from './server.js';
