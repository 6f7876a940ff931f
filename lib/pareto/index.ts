// Public surface of lib/pareto; re-exported by lib/index.ts.
// Names are specific (ObjectiveDirection, not Direction) because lib/index.ts re-exports every module with `export *`.
export type { Direction as ObjectiveDirection } from './types.js';
export { nonDominatedSort, paretoRanks, paretoFront, uniqueParetoFront, weakParetoFront, paretoDominates, dominatesMinimised, weaklyDominatesMinimised, nonDominatedRecords } from './sort.js';
export type { ParetoObjective } from './sort.js';
export { crowdingDistance } from './crowding.js';
export { hypervolume, hypervolumeContributions } from './hypervolume.js';
export { igd, igdPlus, generationalDistance, epsilonAdditive, kneePoint, empiricalAttainment } from './indicators.js';
