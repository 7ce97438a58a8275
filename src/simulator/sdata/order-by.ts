// SData `orderBy`: `PROP [asc|desc], PROP2 desc`. Directions are case-insensitive and default
// to asc; property names follow the same rule as in a where clause. Sorting uses a total
// order (see orderCompare in values.ts): blanks first, then numbers and decimal strings by
// value, then other text by code units.
import { MAX_QUERY_TEXT_LENGTH, SDataSyntaxError, quoteForMessage } from './syntax-error.js';
import { describeToken, tokenize, type Token } from './lexer.js';
import { orderCompare } from './values.js';

export { SDataSyntaxError } from './syntax-error.js';

export interface OrderTerm {
  property: string;
  direction: 'asc' | 'desc';
}

type Rec = Readonly<Record<string, unknown>>;

/** Parses an orderBy value; throws SDataSyntaxError, with the position, on malformed text. */
export function parseOrderBy(text: string): OrderTerm[] {
  if (text.length > MAX_QUERY_TEXT_LENGTH) {
    throw new SDataSyntaxError(
      `the orderBy value is ${text.length} characters long; at most ${MAX_QUERY_TEXT_LENGTH} are accepted`,
      MAX_QUERY_TEXT_LENGTH,
    );
  }
  const tokens = tokenize(text);
  if (tokens.length === 1) throw new SDataSyntaxError('the orderBy value is empty (position 0)', 0);
  const terms: OrderTerm[] = [];
  let at = 0;
  const take = (): Token => tokens[Math.min(at++, tokens.length - 1)]!;
  for (;;) {
    const name = take();
    if (name.kind !== 'word') {
      const what = name.kind === ',' || name.kind === 'end' ? 'an empty term' : describeToken(name);
      throw new SDataSyntaxError(
        `expected a property name at position ${name.position}, found ${what}`,
        name.position,
      );
    }
    let next = take();
    let direction: OrderTerm['direction'] = 'asc';
    if (next.kind === 'word') {
      if (next.lower !== 'asc' && next.lower !== 'desc') {
        throw new SDataSyntaxError(
          `unknown direction ${quoteForMessage(next.text)} at position ${next.position}: expected asc or desc`,
          next.position,
        );
      }
      direction = next.lower;
      next = take();
    }
    terms.push({ property: name.text, direction });
    if (next.kind === 'end') return terms;
    if (next.kind !== ',') {
      throw new SDataSyntaxError(
        `expected ',' or the end of the orderBy value at position ${next.position}, found ${describeToken(next)}`,
        next.position,
      );
    }
  }
}

/** A comparator for Array.prototype.sort (which is stable): ties keep their input order. */
export function compareBy(terms: OrderTerm[]): (a: Rec, b: Rec) => number {
  const names = terms.map((t) => t.property);
  const signs = terms.map((t) => (t.direction === 'desc' ? -1 : 1));
  return (a, b) => {
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const order = orderCompare(a[name], b[name]);
      if (order !== 0) return order * signs[i]!;
    }
    return 0;
  };
}
