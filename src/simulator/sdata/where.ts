/**
 * SData `where` clauses as the simulated X3 reads them: parse once, then evaluate the
 * compiled predicate against many records.
 *
 * Grammar (X3-PROTOCOL.md §3.3):
 *   expr    := term { ("and" | "or") term }        "and" binds tighter than "or"
 *   term    := [ "not" ] factor
 *   factor  := "(" expr ")" | operand cmp operand | operand "between" lit "and" lit
 *            | operand "in" "(" lit { "," lit } ")" | operand "like" string
 *   cmp     := eq | ne | lt | le | gt | ge
 *   operand := PROPERTY | left "(" operand "," int ")" | upper "(" operand ")" | lit
 *   lit     := string | number | "@" YYYY-MM-DD [ "T" hh:mm:ss "Z" ] "@"
 *   string  := "'" { char | "''" } "'"
 *
 * Words:
 * - Keywords are case-insensitive (`AND`, `Eq`). and, or, not, eq, ne, lt, le, gt, ge, between,
 *   in and like are reserved; left and upper are functions only when a `(` follows them.
 * - Property names are X3 names (ASCII letters, digits, `_`, starting with a letter) and are
 *   case-sensitive. Numbers are `-?digits[.digits]`; no exponents.
 *
 * Values a record may hold, and how they are read:
 * - A dimensioned field (an array) means its first element.
 * - Blanks: X3 stores an empty string as one space, JSON may send null or leave the property
 *   out. All of null, undefined, '' and ' ' are the same blank value, so `eq ''` (or `eq ' '`)
 *   matches every one of them, and `ne ''` none. Other non-text, non-number values read as blank.
 *
 * Comparison (eq, ne, lt, le, gt, ge, between, in):
 * - Numbers: when one side is a number (a number literal or a number in the record) and the
 *   other is a number or a decimal string ("210.00"), they compare by value. So `ORDNOT gt 100`
 *   sees "210.00" as 210, and a quoted enum `ORDSTA eq '1'` matches ORDSTA = 1.
 * - Two texts compare by UTF-16 code units, even when both look like numbers (`'10'` < `'9'`):
 *   quoting a number asks for text comparison, except against a number in the record.
 * - Dates: `@2026-01-31@` compares with `YYYY-MM-DD` text as dates, and with an ISO timestamp
 *   as the whole UTC day: eq matches any time that day, lt means before it began, gt after it
 *   ended, le and ge include it. `@2026-01-31T08:00:00Z@` compares with timestamps in time,
 *   and with a date alone as that day. X3's empty date 1599-12-31 is an ordinary date here.
 * - Anything else cannot be compared (a number against a word, a date against a blank): then
 *   eq, lt, le, gt, ge and between are false and ne is true.
 *
 * Functions and like:
 * - upper(x) upper-cases; left(x, n) takes the first n characters (code points); a number
 *   becomes its text first.
 * - `like` matches a quoted pattern in which `%` stands for any run of characters; every other
 *   character, `_` included, stands for itself, case-sensitively (combine with upper()).
 *
 * Refused with SDataSyntaxError (position = 0-based offset): empty text, text over 4,000
 * characters, nesting deeper than 64 (each parenthesis, `not` and function call is a level),
 * unterminated strings and dates, invalid dates, unknown operators, missing operands, a
 * non-integer length in left(), unbalanced parentheses and anything left over at the end.
 */
import { MAX_QUERY_TEXT_LENGTH, SDataSyntaxError, quoteForMessage } from './syntax-error.js';
import { describeToken, tokenize, type Token } from './lexer.js';
import { compileWhere, type RecordPredicate } from './where-compile.js';

export { SDataSyntaxError } from './syntax-error.js';
export { compileWhere, type RecordPredicate } from './where-compile.js';
export { equalityKey } from './values.js';

export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type Literal =
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly position: number }
  /** `@YYYY-MM-DD@` */
  | { readonly kind: 'date'; readonly value: string; readonly position: number }
  /** `@YYYY-MM-DDThh:mm:ssZ@` */
  | {
      readonly kind: 'datetime';
      readonly value: string;
      readonly epochMs: number;
      readonly position: number;
    };

export type Operand =
  | { readonly kind: 'property'; readonly name: string; readonly position: number }
  | { readonly kind: 'upper'; readonly arg: Operand; readonly position: number }
  | { readonly kind: 'left'; readonly arg: Operand; readonly length: number; readonly position: number }
  | Literal;

export type WhereExpr =
  | { readonly kind: 'and'; readonly terms: readonly WhereExpr[] }
  | { readonly kind: 'or'; readonly terms: readonly WhereExpr[] }
  | { readonly kind: 'not'; readonly expr: WhereExpr; readonly position: number }
  | {
      readonly kind: 'compare';
      readonly op: CompareOp;
      readonly left: Operand;
      readonly right: Operand;
      readonly position: number;
    }
  | {
      readonly kind: 'between';
      readonly operand: Operand;
      readonly low: Literal;
      readonly high: Literal;
      readonly position: number;
    }
  | {
      readonly kind: 'in';
      readonly operand: Operand;
      readonly values: readonly Literal[];
      readonly position: number;
    }
  | { readonly kind: 'like'; readonly operand: Operand; readonly pattern: string; readonly position: number };

export const MAX_WHERE_NESTING = 64;

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const RESERVED: ReadonlySet<string> = new Set([...COMPARE_OPS, 'and', 'or', 'not', 'between', 'in', 'like']);
const OPERATOR_LIST = 'eq, ne, lt, le, gt, ge, between, in or like';

class WhereParser {
  private at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): WhereExpr {
    const expr = this.parseOr(0, '');
    const rest = this.peek();
    if (rest.kind === ')') {
      throw new SDataSyntaxError(
        `unexpected ')' at position ${rest.position}: it closes no '('`,
        rest.position,
      );
    }
    if (rest.kind !== 'end') {
      throw new SDataSyntaxError(
        `expected 'and', 'or' or the end of the clause at position ${rest.position}, found ${describeToken(rest)}`,
        rest.position,
      );
    }
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private take(): Token {
    const token = this.tokens[this.at]!;
    if (token.kind !== 'end') this.at++;
    return token;
  }

  private peekWord(lower: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.lower === lower;
  }

  private enter(depth: number, position: number): number {
    if (depth >= MAX_WHERE_NESTING) {
      throw new SDataSyntaxError(
        `nesting deeper than ${MAX_WHERE_NESTING} levels at position ${position}: simplify the clause`,
        position,
      );
    }
    return depth + 1;
  }

  private parseOr(depth: number, context: string): WhereExpr {
    const terms = [this.parseAnd(depth, context)];
    while (this.peekWord('or')) {
      this.take();
      terms.push(this.parseAnd(depth, "after 'or'"));
    }
    return terms.length === 1 ? terms[0]! : { kind: 'or', terms };
  }

  private parseAnd(depth: number, context: string): WhereExpr {
    const terms = [this.parseTerm(depth, context)];
    while (this.peekWord('and')) {
      this.take();
      terms.push(this.parseTerm(depth, "after 'and'"));
    }
    return terms.length === 1 ? terms[0]! : { kind: 'and', terms };
  }

  private parseTerm(depth: number, context: string): WhereExpr {
    if (!this.peekWord('not')) return this.parseFactor(depth, context);
    const not = this.take();
    const expr = this.parseFactor(this.enter(depth, not.position), "after 'not'");
    return { kind: 'not', expr, position: not.position };
  }

  private parseFactor(depth: number, context: string): WhereExpr {
    const first = this.peek();
    if (first.kind === '(') {
      this.take();
      const expr = this.parseOr(this.enter(depth, first.position), "after '('");
      const close = this.take();
      if (close.kind !== ')') {
        throw new SDataSyntaxError(
          `missing ')' for the '(' at position ${first.position}: found ${describeToken(close)} at position ${close.position}`,
          close.position,
        );
      }
      return expr;
    }
    if (!this.startsOperand(first)) {
      throw new SDataSyntaxError(
        `expected a condition${context && ` ${context}`} at position ${first.position}, found ${describeToken(first)}`,
        first.position,
      );
    }
    const operand = this.parseOperand(depth, context);
    const op = this.take();
    if (op.kind !== 'word' || !(COMPARE_OPS.has(op.lower) || isPredicateWord(op.lower))) {
      if (op.kind === 'word' && !RESERVED.has(op.lower)) {
        throw new SDataSyntaxError(
          `unknown operator ${quoteForMessage(op.text)} at position ${op.position}: expected ${OPERATOR_LIST}`,
          op.position,
        );
      }
      throw new SDataSyntaxError(
        `expected an operator (${OPERATOR_LIST}) at position ${op.position}, found ${describeToken(op)}`,
        op.position,
      );
    }
    const after = `after '${op.text}'`;
    const position = op.position;
    if (COMPARE_OPS.has(op.lower)) {
      const right = this.parseOperand(depth, after);
      return { kind: 'compare', op: op.lower as CompareOp, left: operand, right, position };
    }
    if (op.lower === 'between') {
      const low = this.parseLiteral(after);
      const and = this.take();
      if (and.kind !== 'word' || and.lower !== 'and') {
        throw new SDataSyntaxError(
          `expected 'and' between the two bounds of 'between' at position ${and.position}, found ${describeToken(and)}`,
          and.position,
        );
      }
      const high = this.parseLiteral(`after '${and.text}'`);
      return { kind: 'between', operand, low, high, position };
    }
    if (op.lower === 'in') {
      const open = this.take();
      if (open.kind !== '(') {
        throw new SDataSyntaxError(
          `expected '(' ${after} at position ${open.position}, found ${describeToken(open)}`,
          open.position,
        );
      }
      const values = [this.parseLiteral("after '('")];
      for (;;) {
        const next = this.take();
        if (next.kind === ')') break;
        if (next.kind !== ',') {
          throw new SDataSyntaxError(
            `expected ',' or ')' in the list of 'in' at position ${next.position}, found ${describeToken(next)}`,
            next.position,
          );
        }
        values.push(this.parseLiteral("after ','"));
      }
      return { kind: 'in', operand, values, position };
    }
    const pattern = this.take();
    if (pattern.kind !== 'string') {
      throw new SDataSyntaxError(
        `expected a quoted pattern ${after} at position ${pattern.position}, found ${describeToken(pattern)}`,
        pattern.position,
      );
    }
    return { kind: 'like', operand, pattern: pattern.value, position };
  }

  private startsOperand(t: Token): boolean {
    if (t.kind === 'word') return !RESERVED.has(t.lower);
    return t.kind === 'string' || t.kind === 'number' || t.kind === 'date' || t.kind === 'datetime';
  }

  private parseOperand(depth: number, context: string): Operand {
    const t = this.peek();
    if (!this.startsOperand(t)) {
      throw new SDataSyntaxError(
        `expected a value (a property, a function or a literal)${context && ` ${context}`} at position ${t.position}, found ${describeToken(t)}`,
        t.position,
      );
    }
    if (t.kind !== 'word') return this.parseLiteral(context);
    this.take();
    const isCall = this.peek().kind === '(' && (t.lower === 'upper' || t.lower === 'left');
    if (!isCall) return { kind: 'property', name: t.text, position: t.position };
    const inner = this.enter(depth, t.position);
    this.take();
    const arg = this.parseOperand(inner, `inside ${t.text}()`);
    let length = 0;
    if (t.lower === 'left') {
      const comma = this.take();
      if (comma.kind !== ',') {
        throw new SDataSyntaxError(
          `expected ',' and a number of characters in ${t.text}() at position ${comma.position}, found ${describeToken(comma)}`,
          comma.position,
        );
      }
      const count = this.take();
      if (count.kind !== 'number' || !/^\d+$/.test(count.text) || !Number.isSafeInteger(count.value)) {
        throw new SDataSyntaxError(
          `${t.text}() takes a whole number of characters at position ${count.position}, found ${describeToken(count)}`,
          count.position,
        );
      }
      length = count.value;
    }
    const close = this.take();
    if (close.kind !== ')') {
      throw new SDataSyntaxError(
        `missing ')' to close ${t.text}( at position ${close.position}, found ${describeToken(close)}`,
        close.position,
      );
    }
    return t.lower === 'left'
      ? { kind: 'left', arg, length, position: t.position }
      : { kind: 'upper', arg, position: t.position };
  }

  private parseLiteral(context: string): Literal {
    const t = this.take();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.value, position: t.position };
      case 'number':
        return { kind: 'number', value: t.value, text: t.text, position: t.position };
      case 'date':
        return { kind: 'date', value: t.value, position: t.position };
      case 'datetime':
        return { kind: 'datetime', value: t.value, epochMs: t.epochMs, position: t.position };
      default:
        throw new SDataSyntaxError(
          `expected a literal (a quoted string, a number or a @date@)${context && ` ${context}`} at position ${t.position}, found ${describeToken(t)}`,
          t.position,
        );
    }
  }
}

function isPredicateWord(lower: string): boolean {
  return lower === 'between' || lower === 'in' || lower === 'like';
}

/** Parses a where clause; throws SDataSyntaxError, with the position, on any malformed text. */
export function parseWhere(text: string): WhereExpr {
  if (text.length > MAX_QUERY_TEXT_LENGTH) {
    throw new SDataSyntaxError(
      `the where clause is ${text.length} characters long; at most ${MAX_QUERY_TEXT_LENGTH} are accepted`,
      MAX_QUERY_TEXT_LENGTH,
    );
  }
  const tokens = tokenize(text);
  if (tokens.length === 1) throw new SDataSyntaxError('the where clause is empty (position 0)', 0);
  return new WhereParser(tokens).parseAll();
}

function visitOperand(op: Operand, found: (name: string, position: number) => void): void {
  if (op.kind === 'property') found(op.name, op.position);
  else if (op.kind === 'upper' || op.kind === 'left') visitOperand(op.arg, found);
}

function visit(expr: WhereExpr, found: (name: string, position: number) => void): void {
  switch (expr.kind) {
    case 'and':
    case 'or':
      for (const t of expr.terms) visit(t, found);
      return;
    case 'not':
      return visit(expr.expr, found);
    case 'compare':
      visitOperand(expr.left, found);
      return visitOperand(expr.right, found);
    default:
      return visitOperand(expr.operand, found);
  }
}

/** Every property the clause uses, once each, in order of first use. */
export function whereProperties(expr: WhereExpr): string[] {
  const names = new Set<string>();
  visit(expr, (name) => names.add(name));
  return [...names];
}

/** Every use of a property with its position, so an unknown one can be reported where it is. */
export function wherePropertyUses(expr: WhereExpr): { name: string; position: number }[] {
  const uses: { name: string; position: number }[] = [];
  visit(expr, (name, position) => uses.push({ name, position }));
  return uses;
}

function plainEquality(expr: WhereExpr): [string, string | number] | undefined {
  let property: Operand | undefined;
  let literal: Operand | undefined;
  if (expr.kind === 'compare' && expr.op === 'eq') {
    [property, literal] = expr.left.kind === 'property' ? [expr.left, expr.right] : [expr.right, expr.left];
  } else if (expr.kind === 'in' && expr.values.length === 1) {
    [property, literal] = [expr.operand, expr.values[0]];
  }
  if (property?.kind !== 'property') return undefined;
  if (literal?.kind !== 'string' && literal?.kind !== 'number') return undefined;
  return [property.name, literal.value];
}

/**
 * Equalities on plain properties that every matching record must satisfy (e.g.
 * `CUSORDREF eq 'Q1' and X gt 3` gives {CUSORDREF:'Q1'}), so the store can use an index.
 * The match is where-equality, not `===`: index records by `equalityKey(record[prop])` and
 * look up `equalityKey(value)`, then evaluate the whole clause on what the index returns.
 */
export function requiredEqualities(expr: WhereExpr): Map<string, string | number> {
  const single = plainEquality(expr);
  if (single) return new Map([single]);
  if (expr.kind === 'and') {
    const merged = new Map<string, string | number>();
    for (const term of expr.terms) {
      for (const [name, value] of requiredEqualities(term)) if (!merged.has(name)) merged.set(name, value);
    }
    return merged;
  }
  if (expr.kind === 'or') {
    const [first, ...rest] = expr.terms.map(requiredEqualities);
    const common = new Map<string, string | number>();
    for (const [name, value] of first ?? [])
      if (rest.every((m) => m.get(name) === value)) common.set(name, value);
    return common;
  }
  return new Map();
}

const compiledCache = new WeakMap<WhereExpr, RecordPredicate>();

/** Evaluates a parsed clause on one record (compiling it on first use and keeping that). */
export function evaluateWhere(expr: WhereExpr, record: Readonly<Record<string, unknown>>): boolean {
  let predicate = compiledCache.get(expr);
  if (!predicate) {
    predicate = compileWhere(expr);
    compiledCache.set(expr, predicate);
  }
  return predicate(record);
}
