import type { SuggestionReason } from './mapping.js';

/** Upper-case with every separator removed, so `box_s-200` and `BOX S 200` compare equal. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function tokens(text: string): string[] {
  return text
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((t) => t.length > 0);
}

function trigrams(text: string): Set<string> {
  const grams = new Set<string>();
  for (const token of tokens(text)) {
    // Padding lets short tokens and word edges count, as pg_trgm does.
    const padded = `  ${token} `;
    for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  }
  return grams;
}

/** Dice coefficient over trigrams, in [0, 1]. */
export function trigramSimilarity(a: string, b: string): number {
  const ga = trigrams(a);
  const gb = trigrams(b);
  if (ga.size === 0 || gb.size === 0) return 0;
  let shared = 0;
  for (const g of ga) if (gb.has(g)) shared++;
  return (2 * shared) / (ga.size + gb.size);
}

/** Share of the smaller token set found in the larger one, in [0, 1]. */
export function tokenOverlap(a: string, b: string): number {
  const ta = new Set(tokens(a));
  const tb = new Set(tokens(b));
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / Math.min(ta.size, tb.size);
}

function textSimilarity(a: string, b: string): number {
  return Math.max(trigramSimilarity(a, b), 0.9 * tokenOverlap(a, b));
}

export interface SuggestionSource {
  code: string;
  name?: string | null | undefined;
}
export interface SuggestionCandidate {
  code: string;
  name: string | null;
}
export interface ScoredCandidate {
  code: string;
  name: string | null;
  score: number;
  reason: SuggestionReason;
}

/**
 * Scores one candidate: an exact code is certain (1.0), the same code once case and separators are
 * ignored is nearly so (0.9); otherwise the best of code and name similarity, capped below 0.9 so
 * a fuzzy match never outranks a code match.
 */
export function scoreCandidate(source: SuggestionSource, candidate: SuggestionCandidate): ScoredCandidate {
  const base = { code: candidate.code, name: candidate.name };
  if (source.code === candidate.code) return { ...base, score: 1, reason: 'exact_code' };
  const ns = normalizeCode(source.code);
  if (ns.length > 0 && ns === normalizeCode(candidate.code)) {
    return { ...base, score: 0.9, reason: 'normalized_code' };
  }
  const codeScore = 0.8 * textSimilarity(source.code, candidate.code);
  let nameScore = 0;
  if (candidate.name) {
    const against = [source.name, source.code].filter((s): s is string => !!s && s.trim().length > 0);
    for (const text of against) nameScore = Math.max(nameScore, 0.85 * textSimilarity(text, candidate.name));
  }
  if (nameScore > codeScore) return { ...base, score: round(nameScore), reason: 'similar_name' };
  return { ...base, score: round(codeScore), reason: 'similar_code' };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The best `limit` candidates at or above `minScore`, highest score first, ties by code. */
export function rankCandidates(
  source: SuggestionSource,
  candidates: Iterable<SuggestionCandidate>,
  opts: { limit: number; minScore?: number },
): ScoredCandidate[] {
  const minScore = opts.minScore ?? 0.3;
  const scored: ScoredCandidate[] = [];
  for (const c of candidates) {
    const s = scoreCandidate(source, c);
    if (s.score >= minScore) scored.push(s);
  }
  scored.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
  return scored.slice(0, opts.limit);
}
