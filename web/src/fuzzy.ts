// SPDX-License-Identifier: Apache-2.0
// Fuzzy ranking for the metric picker (and any long name list) with @leeoniya/ufuzzy: typo-tolerant
// (one error per term), terms in any order, best matches first. An index is built once per list
// so each keystroke only searches.
import uFuzzy from "@leeoniya/ufuzzy";

export interface FuzzyHit {
  index: number;
  /// Matched character ranges [start, end, start, end, ...] for highlighting.
  ranges: number[];
}

// Splitting on "_" and "." too makes "mem usage" find memory_usage_bytes.
const kOpts: uFuzzy.Options = {
  intraMode: 1,
  interSplit: "[^A-Za-z\\d']+",
  intraIns: 1,
};
// Out-of-order permutations are factorial in the term count; 3 terms (6 orders) covers what people
// type into a picker while keeping a keystroke well under a millisecond per 1,000 names.
const kMaxPermutedTerms = 3;
// uFuzzy only ranks (info+sort) when the filtered set is below this; above it the filter order is kept.
const kInfoThreshold = 1000;

export class FuzzyIndex {
  private readonly uf = new uFuzzy(kOpts);
  constructor(readonly names: string[]) {}

  /// Ranked hits; an empty query returns every name in list order.
  search(query: string, limit = 200): FuzzyHit[] {
    const q = query.trim();
    if (!q) return this.names.slice(0, limit).map((_, index) => ({ index, ranges: [] }));
    const [idxs, info, order] = this.uf.search(this.names, q, kMaxPermutedTerms, kInfoThreshold);
    if (!idxs) return [];
    const out: FuzzyHit[] = [];
    if (info && order) {
      for (let i = 0; i < order.length && out.length < limit; i++) {
        out.push({ index: info.idx[order[i]], ranges: info.ranges[order[i]] });
      }
    } else {
      for (let i = 0; i < idxs.length && out.length < limit; i++) out.push({ index: idxs[i], ranges: [] });
    }
    return out;
  }
}

/// Splits `text` into [part, matched] pieces for highlighting from FuzzyHit.ranges.
export function highlightParts(text: string, ranges: number[]): [string, boolean][] {
  const out: [string, boolean][] = [];
  let pos = 0;
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    if (ranges[i] > pos) out.push([text.slice(pos, ranges[i]), false]);
    out.push([text.slice(ranges[i], ranges[i + 1]), true]);
    pos = ranges[i + 1];
  }
  if (pos < text.length) out.push([text.slice(pos), false]);
  return out;
}
