// Turns a parsed where clause into one closure per node, specialised on what the parser
// already knows (which side is a literal, and of which kind), so that evaluating a record
// does no parsing and, on the common paths, allocates nothing.
import type { CompareOp, Literal, Operand, WhereExpr } from './where.js';
import {
  compareScalars,
  compareTemporal,
  compareText,
  compareValues,
  compileLike,
  leftChars,
  looksWholeSecondUtc,
  numericValue,
  readValue,
  valueText,
  type Scalar,
  type Value,
} from './values.js';

type Rec = Readonly<Record<string, unknown>>;
export type RecordPredicate = (record: Rec) => boolean;
type Getter = (record: Rec) => Scalar;
type CompiledOperand =
  { readonly constant: true; readonly value: Value } | { readonly constant: false; readonly get: Getter };

function literalValue(lit: Literal): Value {
  switch (lit.kind) {
    case 'string':
      return lit.value === ' ' ? '' : lit.value;
    case 'number':
      return lit.value;
    case 'date':
      return {
        kind: 'temporal',
        date: lit.value,
        iso: undefined,
        epochMs: Date.parse(`${lit.value}T00:00:00Z`),
      };
    case 'datetime':
      return { kind: 'temporal', date: lit.value.slice(0, 10), iso: lit.value, epochMs: lit.epochMs };
  }
}

const toUpper = (v: Value): string => valueText(v).toUpperCase();

function compileOperand(op: Operand): CompiledOperand {
  switch (op.kind) {
    case 'property': {
      const name = op.name;
      return { constant: false, get: (r) => readValue(r[name]) };
    }
    case 'upper': {
      const arg = compileOperand(op.arg);
      if (arg.constant) return { constant: true, value: toUpper(arg.value) };
      const get = arg.get;
      return { constant: false, get: (r) => toUpper(get(r)) };
    }
    case 'left': {
      const arg = compileOperand(op.arg);
      const n = op.length;
      if (arg.constant) return { constant: true, value: leftChars(valueText(arg.value), n) };
      const get = arg.get;
      return { constant: false, get: (r) => leftChars(valueText(get(r)), n) };
    }
    default:
      return { constant: true, value: literalValue(op) };
  }
}

/** Orders a record's scalar against one known value (NaN: cannot be compared). */
function comparatorTo(c: Value): (v: Scalar) => number {
  if (typeof c === 'object') return (v) => compareTemporal(v, c);
  if (typeof c === 'number') {
    return (v) => {
      const n = typeof v === 'number' ? v : numericValue(v);
      return n < c ? -1 : n > c ? 1 : n === c ? 0 : NaN;
    };
  }
  const asNumber = numericValue(c);
  if (Number.isNaN(asNumber)) return (v) => (typeof v === 'string' ? compareText(v, c) : NaN);
  return (v) => (typeof v === 'string' ? compareText(v, c) : compareScalars(v, asNumber));
}

/** The same as `comparatorTo(c)(v) === 0`, without the ordering work. */
function equalityTo(c: Value): (v: Scalar) => boolean {
  if (typeof c === 'object') return (v) => compareTemporal(v, c) === 0;
  if (typeof c === 'number') return (v) => (typeof v === 'number' ? v === c : numericValue(v) === c);
  const asNumber = numericValue(c);
  if (Number.isNaN(asNumber)) return (v) => v === c;
  return (v) => v === c || v === asNumber;
}

function testOrder(op: CompareOp, cmp: (r: Rec) => number): RecordPredicate {
  switch (op) {
    case 'eq':
      return (r) => cmp(r) === 0;
    case 'ne':
      return (r) => cmp(r) !== 0;
    case 'lt':
      return (r) => cmp(r) < 0;
    case 'le':
      return (r) => cmp(r) <= 0;
    case 'gt':
      return (r) => cmp(r) > 0;
    case 'ge':
      return (r) => cmp(r) >= 0;
  }
}

function holds(op: CompareOp, order: number): boolean {
  switch (op) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
  }
}

const MIRRORED: Record<CompareOp, CompareOp> = { eq: 'eq', ne: 'ne', lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' };

/** `PROP eq 'text'`, the lookup every list by code makes: one property read and one `===`. */
function propertyEqualsText(name: string, c: string): RecordPredicate {
  return (r) => {
    const v = r[name];
    return v === c || (Array.isArray(v) && v[0] === c);
  };
}

function compareWithConstant(op: CompareOp, subject: Operand, get: Getter, c: Value): RecordPredicate {
  if (op === 'eq' || op === 'ne') {
    let eq: RecordPredicate;
    if (subject.kind === 'property' && typeof c === 'string' && c !== '' && Number.isNaN(numericValue(c))) {
      eq = propertyEqualsText(subject.name, c);
    } else {
      const test = equalityTo(c);
      eq = (r) => test(get(r));
    }
    return op === 'eq' ? eq : (r) => !eq(r);
  }
  const cmp = comparatorTo(c);
  if (subject.kind === 'property') {
    const raw = rawComparatorTo(c, cmp);
    const name = subject.name;
    return testOrder(op, (r) => raw(r[name]));
  }
  return testOrder(op, (r) => cmp(get(r)));
}

/**
 * The comparator applied straight to a property's stored value, skipping the general reading
 * for the shapes that dominate real data (a plain number, a whole-second UTC timestamp).
 */
function rawComparatorTo(c: Value, cmp: (v: Scalar) => number): (v: unknown) => number {
  if (typeof c === 'number') {
    return (v) => (typeof v === 'number' ? (v < c ? -1 : v > c ? 1 : v === c ? 0 : NaN) : cmp(readValue(v)));
  }
  if (typeof c === 'object' && c.iso !== undefined) {
    const iso = c.iso;
    return (v) => (typeof v === 'string' && looksWholeSecondUtc(v) ? compareText(v, iso) : cmp(readValue(v)));
  }
  return (v) => cmp(readValue(v));
}

function compileCompare(op: CompareOp, leftOp: Operand, rightOp: Operand): RecordPredicate {
  const left = compileOperand(leftOp);
  const right = compileOperand(rightOp);
  if (left.constant) {
    if (right.constant) {
      const result = holds(op, compareValues(left.value, right.value));
      return () => result;
    }
    return compareWithConstant(MIRRORED[op], rightOp, right.get, left.value);
  }
  if (right.constant) return compareWithConstant(op, leftOp, left.get, right.value);
  const [getLeft, getRight] = [left.get, right.get];
  return testOrder(op, (r) => compareScalars(getLeft(r), getRight(r)));
}

type ListPredicate = Extract<WhereExpr, { kind: 'between' | 'in' | 'like' }>;

/** between, in and like on a literal: decided once, when compiling. */
function constantTruth(expr: ListPredicate, value: Value): boolean {
  switch (expr.kind) {
    case 'between':
      return (
        compareValues(value, literalValue(expr.low)) >= 0 &&
        compareValues(value, literalValue(expr.high)) <= 0
      );
    case 'in':
      return expr.values.some((lit) => compareValues(value, literalValue(lit)) === 0);
    case 'like':
      return compileLike(expr.pattern === ' ' ? '' : expr.pattern)(valueText(value));
  }
}

function compileOn(expr: ListPredicate, get: Getter): RecordPredicate {
  switch (expr.kind) {
    case 'between': {
      const fromLow = comparatorTo(literalValue(expr.low));
      const fromHigh = comparatorTo(literalValue(expr.high));
      return (r) => {
        const v = get(r);
        return fromLow(v) >= 0 && fromHigh(v) <= 0;
      };
    }
    case 'in':
      return compileIn(get, expr.values);
    case 'like': {
      const matches = compileLike(expr.pattern === ' ' ? '' : expr.pattern);
      return (r) => {
        const v = get(r);
        return matches(typeof v === 'string' ? v : String(v));
      };
    }
  }
}

function compileIn(get: Getter, values: readonly Literal[]): RecordPredicate {
  const constants = values.map(literalValue);
  if (constants.every((c) => typeof c === 'string' && Number.isNaN(numericValue(c)))) {
    const set = new Set(constants as string[]);
    return (r) => {
      const v = get(r);
      return typeof v === 'string' && set.has(v);
    };
  }
  if (constants.every((c) => typeof c === 'number')) {
    // Enum lists are short: a scan beats hashing there.
    const numbers = constants as number[];
    const has =
      numbers.length <= 8
        ? (n: number): boolean => numbers.includes(n)
        : (
            (set) => (n: number) =>
              set.has(n)
          )(new Set(numbers));
    return (r) => {
      const v = get(r);
      return has(typeof v === 'number' ? v : numericValue(v));
    };
  }
  const tests = constants.map(equalityTo);
  return (r) => {
    const v = get(r);
    for (let i = 0; i < tests.length; i++) if (tests[i]!(v)) return true;
    return false;
  };
}

/** A clause as a predicate over records; build once per query, call once per record. */
export function compileWhere(expr: WhereExpr): RecordPredicate {
  switch (expr.kind) {
    case 'and': {
      const parts = expr.terms.map(compileWhere);
      if (parts.length === 2) {
        const [a, b] = parts as [RecordPredicate, RecordPredicate];
        return (r) => a(r) && b(r);
      }
      return (r) => {
        for (let i = 0; i < parts.length; i++) if (!parts[i]!(r)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = expr.terms.map(compileWhere);
      if (parts.length === 2) {
        const [a, b] = parts as [RecordPredicate, RecordPredicate];
        return (r) => a(r) || b(r);
      }
      return (r) => {
        for (let i = 0; i < parts.length; i++) if (parts[i]!(r)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = compileWhere(expr.expr);
      return (r) => !inner(r);
    }
    case 'compare':
      return compileCompare(expr.op, expr.left, expr.right);
    default: {
      const subject = compileOperand(expr.operand);
      if (subject.constant) {
        const result = constantTruth(expr, subject.value);
        return () => result;
      }
      return compileOn(expr, subject.get);
    }
  }
}
