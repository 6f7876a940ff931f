import type { GroupLabel } from './types.js';

/** Per-image group labels as strings, with the image indices of every group in order of first appearance. */
export interface GroupIndex {
  /** Group names (String(label)) in order of first appearance, then any expected group. */
  names: string[];
  members: Map<string, number[]>;
}

/**
 * Validates group labels (one per item) and indexes them. `allGroups`, when given, lists groups that must
 * each have at least one item (a protected group absent from the evaluation set is an error, not a 0).
 */
export function indexGroups(
  groups: readonly GroupLabel[],
  expectedCount: number,
  countField: string,
  allGroups?: readonly GroupLabel[],
): GroupIndex {
  if (!Array.isArray(groups)) throw new TypeError('groups must be an array of strings or numbers');
  if (groups.length !== expectedCount) throw new RangeError(`groups has ${groups.length} labels but ${countField} has ${expectedCount}`);
  const members = new Map<string, number[]>();
  groups.forEach((label, i) => {
    if (typeof label !== 'string' && !(typeof label === 'number' && Number.isFinite(label))) {
      throw new TypeError(`groups[${i}] must be a string or a finite number, got ${String(label)}`);
    }
    const name = String(label);
    const list = members.get(name);
    if (list) list.push(i);
    else members.set(name, [i]);
  });
  if (allGroups !== undefined) {
    if (!Array.isArray(allGroups)) throw new TypeError('allGroups must be an array of group labels');
    for (const label of allGroups) {
      if (!members.has(String(label))) throw new RangeError(`allGroups: group ${JSON.stringify(label)} has no images`);
    }
  }
  return { names: [...members.keys()], members };
}
