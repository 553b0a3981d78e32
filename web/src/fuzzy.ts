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
// uFuzzy ranks (info+sort) only when at most this many names match. Its ranking costs ~0.05 ms per
// match, so 1,000 matches cost up to 70 ms on a keystroke; above 200 a cheap order (where the
// first term starts, then length) is used until further typing narrows the set.
const kInfoThreshold = 200;

export class FuzzyIndex {
  private readonly uf = new uFuzzy(kOpts);
  private readonly lower: string[];
  // Typeahead: the names the previous query matched. A query that extends it can only match a
  // subset, so the next keystroke filters those instead of the whole list (uFuzzy's documented
  // preFiltered use). Besides the saved work, V8 then rarely tiers the fresh RegExp up to native
  // code, which costs 10-30 ms per new needle on 10,000 names.
  private lastQuery = "";
  private lastMatches: number[] | null = null;

  constructor(readonly names: string[]) {
    this.lower = names.map((n) => n.toLowerCase());
  }

  /// Ranked hits; an empty query returns every name in list order.
  search(query: string, limit = 200): FuzzyHit[] {
    const q = query.trim();
    if (!q) {
      this.lastQuery = "";
      this.lastMatches = null;
      return this.names.slice(0, limit).map((_, index) => ({ index, ranges: [] }));
    }
    if (q.length === 1) return this.searchOneChar(q.toLowerCase(), limit);
    const candidates = this.lastMatches && this.lastQuery && q.startsWith(this.lastQuery) ? this.lastMatches : null;
    let pre: number[] | null = candidates;
    if (candidates && this.uf.split(q).length < 2) {
      // With one term uFuzzy takes preFiltered as already matching (no filter pass), so filter
      // the candidates here; with several it filters each term within them itself.
      pre = this.uf.filter(this.names, q, candidates) ?? [];
      if (!pre.length) {
        this.lastQuery = q;
        this.lastMatches = [];
        return [];
      }
    }
    const [idxs, info, order] = this.uf.search(this.names, q, kMaxPermutedTerms, kInfoThreshold, pre);
    this.lastQuery = q;
    this.lastMatches = idxs;
    if (!idxs) return [];
    const out: FuzzyHit[] = [];
    if (info && order) {
      for (let i = 0; i < order.length && out.length < limit; i++) {
        out.push({ index: info.idx[order[i]], ranges: info.ranges[order[i]] });
      }
    } else {
      const first = this.uf.split(q)[0]?.toLowerCase() ?? "";
      const scored = idxs.map((index) => {
        const name = this.lower[index];
        const pos = name.indexOf(first);
        const wordStart = pos === 0 || (pos > 0 && !/[a-z0-9]/.test(name[pos - 1]));
        return { index, pos, score: (pos < 0 ? 1e6 : wordStart ? 0 : 1e3) + Math.max(pos, 0) * 100 + name.length };
      });
      scored.sort((a, b) => a.score - b.score || a.index - b.index);
      for (let i = 0; i < scored.length && out.length < limit; i++) {
        const { index, pos } = scored[i];
        out.push({ index, ranges: pos >= 0 ? [pos, pos + first.length] : [] });
      }
    }
    return out;
  }

  /// One character matches nearly everything; rank by where it appears (a word start first).
  private searchOneChar(c: string, limit: number): FuzzyHit[] {
    const hits: { index: number; pos: number; score: number }[] = [];
    for (let i = 0; i < this.lower.length; i++) {
      const pos = this.lower[i].indexOf(c);
      if (pos < 0) continue;
      const wordStart = pos === 0 || !/[a-z0-9]/.test(this.lower[i][pos - 1]);
      hits.push({ index: i, pos, score: (wordStart ? 0 : 1000) + pos });
    }
    this.lastQuery = c;
    this.lastMatches = hits.map((h) => h.index);
    hits.sort((a, b) => a.score - b.score || a.index - b.index);
    return hits.slice(0, limit).map((h) => ({ index: h.index, ranges: [h.pos, h.pos + 1] }));
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
