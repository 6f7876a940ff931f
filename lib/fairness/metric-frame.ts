import type { GroupLabel } from './types.js';
import { indexGroups } from './groups.js';

/** A metric of a subset of items, given the item indices (e.g. accuracy of those predictions). */
export type GroupMetric = (indices: readonly number[]) => number;

export interface GroupMetricFrameInput {
  /** Group label of every item. */
  groups: readonly GroupLabel[];
  /** Metrics by name; each is called once on all items and once per group. */
  metrics: Readonly<Record<string, GroupMetric>>;
  /** Groups that must be present; a listed group with no item is an error. */
  allGroups?: readonly GroupLabel[];
}

/** Fairlearn-style MetricFrame: every metric overall, by group, and how far apart the groups are. */
export interface GroupMetricFrame {
  overall: Record<string, number>;
  /** byGroup[group][metric], groups keyed by String(label) in order of first appearance. */
  byGroup: Record<string, Record<string, number>>;
  /** Smallest and largest group value of every metric. */
  groupMin: Record<string, number>;
  groupMax: Record<string, number>;
  /** max - min over groups. */
  difference: Record<string, number>;
  /**
   * min / max over groups (Fairlearn's between-groups ratio, 1 = equal). 1 when all groups are equal
   * (0/0 included); null when a group value is negative, where a ratio means nothing.
   */
  ratio: Record<string, number | null>;
}

/**
 * Evaluates user metrics overall and per group (like Fairlearn's MetricFrame), with the between-groups
 * difference (max - min) and ratio (min / max). A metric returning a non-finite number is an error.
 */
export function groupMetricFrame(input: GroupMetricFrameInput): GroupMetricFrame {
  if (input === null || typeof input !== 'object') throw new TypeError('groupMetricFrame expects { groups, metrics }');
  const { groups, metrics, allGroups } = input;
  if (!Array.isArray(groups) || groups.length === 0) throw new RangeError('groups must be a non-empty array of group labels');
  if (metrics === null || typeof metrics !== 'object' || Object.keys(metrics).length === 0) {
    throw new TypeError('metrics must be an object of named functions (indices) => number');
  }
  const index = indexGroups(groups, groups.length, 'groups', allGroups);
  const evaluate = (name: string, metric: GroupMetric, indices: readonly number[], where: string): number => {
    if (typeof metric !== 'function') throw new TypeError(`metrics.${name} must be a function (indices) => number`);
    const value = metric(indices);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`metrics.${name} returned ${String(value)} for ${where}`);
    return value;
  };
  const all = Array.from(groups.keys());
  const frame: GroupMetricFrame = { overall: {}, byGroup: {}, groupMin: {}, groupMax: {}, difference: {}, ratio: {} };
  for (const name of index.names) frame.byGroup[name] = {};
  for (const [metricName, metric] of Object.entries(metrics)) {
    frame.overall[metricName] = evaluate(metricName, metric, all, 'all items');
    let low = Infinity;
    let high = -Infinity;
    for (const group of index.names) {
      const value = evaluate(metricName, metric, index.members.get(group) as number[], `group ${group}`);
      frame.byGroup[group][metricName] = value;
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    frame.groupMin[metricName] = low;
    frame.groupMax[metricName] = high;
    frame.difference[metricName] = high - low;
    frame.ratio[metricName] = low < 0 ? null : low === high ? 1 : low / high;
  }
  return frame;
}
