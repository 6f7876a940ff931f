// Public surface of lib/fairness; re-exported by lib/index.ts.
export type { IdentityLabel, GroupLabel, EmbeddingMatrix, LabelledEmbeddings, SimilarityBlock, IdentityRankOptions } from './types.js';
export { rankByIdentity, rankByIdentityGalleryProbe, selectRankableImages } from './rank.js';
export { fairnessReport, fairnessReportFromSums } from './report.js';
export type { FairnessReport, FairnessReportInput, GroupRankSums, GroupRankSummary, GroupPair, GroupComparison } from './report.js';
export { bootstrapFairness, pairedBootstrapDifference, pairedBootstrapMeanDifference, compareWithIntervals, compareDifferences, percentileSorted, FAIRNESS_METRICS } from './bootstrap.js';
export type {
  BootstrapOptions, BootstrapFairnessInput, PairedBootstrapInput, PairedRunsBootstrapInput, PairedDifference, FairnessIntervals, FairnessMetricName, MetricInterval, IntervalVerdict, ComparedObjective,
} from './bootstrap.js';
export { groupMetricFrame } from './metric-frame.js';
export type { GroupMetric, GroupMetricFrame, GroupMetricFrameInput } from './metric-frame.js';
export { verificationByGroup, pairSimilarities, thresholdAtFar } from './verification.js';
export type { VerificationRates, VerificationByGroup } from './verification.js';
