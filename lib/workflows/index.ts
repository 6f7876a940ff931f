// Public surface of lib/workflows: the product's whole jobs, which the CLI wraps one to one.
export { search, report, loadSpace, bundledSpacesDir, faceSearchFidelity, faceSearchProposer, faceSearchScheduler, faceSearchPromotion, DEFAULT_SEARCH_TRIALS, datasetFingerprint, faceSearchSettings, recordedSearchSettings, withRecordedSettings } from './search.js';
export type { SearchOptions, SearchOutcome, FaceStudySettings } from './search.js';
export { pairedAgainstDefault, realFaceStudy, STUDY_FAMILIES } from './real-face-study.js';
export type { PairedRun, PairedVersusDefault, RealFaceStudyOptions, RealFaceStudyOutcome, RealFaceStudyRow } from './real-face-study.js';
// After the search: retrain the chosen models over seeds, evaluate them on other data, analyze (docs/workflow.md).
export * from './retrain.js';
export * from './evaluate.js';
export * from './analyze.js';
