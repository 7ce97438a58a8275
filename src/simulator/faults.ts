// Fault rules set through `PUT /__sim/faults`: each rule matches requests by method, class
// and path, fires with a probability, and stops after `times` firings.
import { seededRandom } from './util.js';

export type FaultAction = 'status' | 'delay' | 'reset' | 'commit_then_drop' | 'token_expire';

export interface FaultRule {
  match?: { method?: string; class?: string; path?: string };
  action: FaultAction;
  status?: number;
  retryAfter?: number;
  ms?: number;
  times?: number;
  probability?: number;
}

export interface FaultTarget {
  method: string;
  path: string;
  cls?: string;
  /** Whether the request presents a bearer token (`token_expire` only fires on those). */
  bearer: boolean;
}

const ACTIONS: FaultAction[] = ['status', 'delay', 'reset', 'commit_then_drop', 'token_expire'];
const MAX_DELAY_MS = 120_000;

/** Checks one rule from a request body; returns a plain-words problem, or undefined. */
function problem(rule: unknown, i: number): string | undefined {
  if (rule === null || typeof rule !== 'object') return `rules[${i}] must be an object`;
  const r = rule as Record<string, unknown>;
  if (!ACTIONS.includes(r.action as FaultAction))
    return `rules[${i}].action must be one of ${ACTIONS.join(', ')}`;
  if (r.match !== undefined && (r.match === null || typeof r.match !== 'object'))
    return `rules[${i}].match must be an object`;
  const m = (r.match ?? {}) as Record<string, unknown>;
  for (const k of ['method', 'class', 'path']) {
    if (m[k] !== undefined && typeof m[k] !== 'string') return `rules[${i}].match.${k} must be a string`;
  }
  if (
    r.action === 'status' &&
    !(Number.isInteger(r.status) && (r.status as number) >= 100 && (r.status as number) <= 599)
  ) {
    return `rules[${i}].status must be an HTTP status`;
  }
  if (r.action === 'delay' && !(typeof r.ms === 'number' && r.ms >= 0 && r.ms <= MAX_DELAY_MS)) {
    return `rules[${i}].ms must be between 0 and ${MAX_DELAY_MS}`;
  }
  if (r.times !== undefined && !(Number.isInteger(r.times) && (r.times as number) > 0)) {
    return `rules[${i}].times must be a positive whole number`;
  }
  if (
    r.probability !== undefined &&
    !(typeof r.probability === 'number' && r.probability >= 0 && r.probability <= 1)
  ) {
    return `rules[${i}].probability must be between 0 and 1`;
  }
  if (r.retryAfter !== undefined && !(typeof r.retryAfter === 'number' && r.retryAfter >= 0)) {
    return `rules[${i}].retryAfter must be a number of seconds`;
  }
  return undefined;
}

export class FaultSet {
  private rules: FaultRule[] = [];
  private random: () => number;

  constructor(private readonly seed = 0x5eed) {
    this.random = seededRandom(seed);
  }

  /** Replaces the rules; returns a problem description when the body is not a valid rule set. */
  set(body: unknown): string | undefined {
    const list = Array.isArray(body) ? body : (body as { rules?: unknown } | null)?.rules;
    if (!Array.isArray(list)) return 'expected { "rules": [ … ] }';
    for (let i = 0; i < list.length; i++) {
      const p = problem(list[i], i);
      if (p) return p;
    }
    this.rules = (list as FaultRule[]).map((r) => ({ ...r, match: { ...r.match } }));
    this.random = seededRandom(this.seed);
    return undefined;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The rule that fires for this request, if any; counts the firing down. */
  take(target: FaultTarget): FaultRule | undefined {
    for (const rule of this.rules) {
      const m = rule.match ?? {};
      if (m.method && m.method.toUpperCase() !== target.method) continue;
      if (m.class && m.class !== target.cls) continue;
      if (m.path && !target.path.includes(m.path)) continue;
      if (rule.times !== undefined && rule.times <= 0) continue;
      // Revoking needs a token: a token mint or a basic call must not use the rule up.
      if (rule.action === 'token_expire' && !target.bearer) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      if (rule.times !== undefined) rule.times--;
      return { ...rule };
    }
    return undefined;
  }
}
