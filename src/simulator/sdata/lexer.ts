// Splits `where` and `orderBy` text into tokens. Literals are fully decoded and validated here
// (quotes undoubled, numbers and dates checked), so the parser only deals with structure.
import { SDataSyntaxError, quoteForMessage } from './syntax-error.js';

export type Token =
  | { readonly kind: 'word'; readonly text: string; readonly lower: string; readonly position: number }
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly position: number }
  | { readonly kind: 'date'; readonly value: string; readonly position: number }
  | {
      readonly kind: 'datetime';
      readonly value: string;
      readonly epochMs: number;
      readonly position: number;
    }
  | { readonly kind: '(' | ')' | ','; readonly position: number }
  | { readonly kind: 'end'; readonly position: number };

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isNameChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 95;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;
const isOperatorSymbol = (c: number): boolean => c === 61 || c === 60 || c === 62 || c === 33;

/** X3 property names: ASCII letters, digits and `_`, starting with a letter. */
export function isPropertyName(text: string): boolean {
  if (text.length === 0 || !isLetter(text.charCodeAt(0))) return false;
  for (let i = 1; i < text.length; i++) if (!isNameChar(text.charCodeAt(i))) return false;
  return true;
}

const DATE_LITERAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z)?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Validates the inside of `@…@`; undefined when it is not a real calendar date and time. */
function readDateLiteral(body: string): { date: string; epochMs?: number } | undefined {
  const m = DATE_LITERAL.exec(body);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (m[4] === undefined) return { date: body };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not map years below 100 onto the 1900s.
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(hour, minute, second, 0);
  return { date: body.slice(0, 10), epochMs: at.getTime() };
}

function describeChar(text: string, at: number): string {
  const code = text.codePointAt(at) ?? 0;
  if (code < 32 || code === 127) return `a control character (code ${code})`;
  return `'${String.fromCodePoint(code)}'`;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const start = i;
    if (isSpace(c)) {
      i++;
    } else if (isLetter(c)) {
      while (i < n && isNameChar(text.charCodeAt(i))) i++;
      const word = text.slice(start, i);
      tokens.push({ kind: 'word', text: word, lower: word.toLowerCase(), position: start });
    } else if (isDigit(c) || (c === 45 && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (i < n && text.charCodeAt(i) === 46) {
        i++;
        const fractionStart = i;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
        if (i === fractionStart) {
          throw new SDataSyntaxError(
            `malformed number ${quoteForMessage(text.slice(start, i))} at position ${start}: expected digits after the decimal point`,
            start,
          );
        }
      }
      if (i < n && (isNameChar(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) {
        let end = i;
        while (end < n && (isNameChar(text.charCodeAt(end)) || text.charCodeAt(end) === 46)) end++;
        throw new SDataSyntaxError(
          `malformed number ${quoteForMessage(text.slice(start, end))} at position ${start}`,
          start,
        );
      }
      const numberText = text.slice(start, i);
      tokens.push({ kind: 'number', value: Number(numberText), text: numberText, position: start });
    } else if (c === 39) {
      // A quote inside a string is written twice; anything else, `%` and `@` included, is text.
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf("'", from);
        if (close < 0) {
          throw new SDataSyntaxError(
            `unterminated string starting at position ${start}: a string ends with a quote, and a quote inside it is written as two quotes ('')`,
            start,
          );
        }
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === 39) {
          value += "'";
          from = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      tokens.push({ kind: 'string', value, position: start });
    } else if (c === 64) {
      const close = text.indexOf('@', i + 1);
      if (close < 0) {
        throw new SDataSyntaxError(
          `unterminated date starting at position ${start}: a date is written @YYYY-MM-DD@ or @YYYY-MM-DDThh:mm:ssZ@`,
          start,
        );
      }
      const body = text.slice(i + 1, close);
      const parsed = readDateLiteral(body);
      if (!parsed) {
        throw new SDataSyntaxError(
          `invalid date ${quoteForMessage(`@${body}@`)} at position ${start}: expected a real calendar date written @YYYY-MM-DD@ or @YYYY-MM-DDThh:mm:ssZ@`,
          start,
        );
      }
      tokens.push(
        parsed.epochMs === undefined
          ? { kind: 'date', value: parsed.date, position: start }
          : { kind: 'datetime', value: body, epochMs: parsed.epochMs, position: start },
      );
      i = close + 1;
    } else if (c === 40 || c === 41 || c === 44) {
      tokens.push({ kind: c === 40 ? '(' : c === 41 ? ')' : ',', position: start });
      i++;
    } else if (isOperatorSymbol(c)) {
      while (i < n && isOperatorSymbol(text.charCodeAt(i))) i++;
      throw new SDataSyntaxError(
        `unknown operator ${quoteForMessage(text.slice(start, i))} at position ${start}: comparisons are written eq, ne, lt, le, gt or ge`,
        start,
      );
    } else {
      throw new SDataSyntaxError(`unexpected ${describeChar(text, i)} at position ${start}`, start);
    }
  }
  tokens.push({ kind: 'end', position: n });
  return tokens;
}

/** How a token reads in an error message. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of input';
    case 'word':
      return quoteForMessage(token.text);
    case 'string':
      return `the string ${quoteForMessage(token.value)}`;
    case 'number':
      return `the number ${token.text}`;
    case 'date':
    case 'datetime':
      return `the date @${token.value}@`;
    default:
      return `'${token.kind}'`;
  }
}
