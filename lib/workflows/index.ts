// Public surface of lib/workflows: the product's whole jobs, which the CLI wraps one to one.
export { search, report, loadSpace, bundledSpacesDir, DEFAULT_SEARCH_TRIALS } from './search.js';
export type { SearchOptions, SearchOutcome } from './search.js';
