import { describe, expect, it } from 'vitest';
import { SDataSyntaxError, parseWhere } from './where.js';

function failure(text: string): SDataSyntaxError {
  try {
    parseWhere(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SDataSyntaxError);
    return error as SDataSyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(text.slice(0, 60))} to be refused`);
}

describe('where syntax errors', () => {
  it.each<[string, string, number, RegExp]>([
    ['unterminated string', "BPCNUM eq 'C0001", 10, /unterminated string starting at position 10/],
    ['string closed by a doubled quote only', "BPCNUM eq 'O''", 10, /unterminated string/],
    ['symbolic operator', "BPCNUM = 'C0001'", 7, /unknown operator '=' at position 7/],
    ['symbolic not-equal', 'QTY <> 1', 4, /unknown operator '<>'/],
    ['unknown word operator', "BPCNUM equals 'C0001'", 7, /unknown operator 'equals' at position 7/],
    ['missing operator', 'BPCNUM', 6, /expected an operator .* at position 6, found end of input/],
    ['missing operand after eq', 'BPCORD eq ', 10, /after 'eq' at position 10, found end of input/],
    ['missing operand before eq', "eq 'x'", 0, /expected a condition at position 0, found 'eq'/],
    ['keyword as an operand', 'A eq and', 5, /after 'eq' at position 5, found 'and'/],
    ['unclosed parenthesis', '(A eq 1 or B eq 2', 17, /missing '\)' for the '\(' at position 0/],
    ['extra closing parenthesis', 'A eq 1)', 6, /unexpected '\)' at position 6/],
    ['empty parentheses', '()', 1, /expected a condition after '\(' at position 1, found '\)'/],
    [
      'trailing garbage',
      'A eq 1 B eq 2',
      7,
      /expected 'and', 'or' or the end of the clause at position 7, found 'B'/,
    ],
    ['dangling and', 'A eq 1 and', 10, /expected a condition after 'and' at position 10/],
    ['dangling or', 'A eq 1 or ', 10, /expected a condition after 'or' at position 10/],
    ['month 13', 'ORDDAT eq @2026-13-01@', 10, /invalid date '@2026-13-01@' at position 10/],
    ['day 32', 'ORDDAT eq @2026-01-32@', 10, /invalid date/],
    ['29 February in a common year', 'ORDDAT eq @2026-02-29@', 10, /invalid date/],
    ['hour 24', 'T gt @2026-01-31T24:00:00Z@', 5, /invalid date/],
    ['timestamp without Z', 'T gt @2026-01-31T08:00:00@', 5, /invalid date/],
    ['short year', 'T gt @26-01-31@', 5, /invalid date/],
    ['unterminated date', 'T gt @2026-01-31', 5, /unterminated date starting at position 5/],
    ['left with a decimal length', "left(A, 2.5) eq 'x'", 8, /whole number of characters at position 8/],
    ['left with a negative length', "left(A, -1) eq 'x'", 8, /whole number of characters/],
    ['left with a property as length', "left(A, B) eq 'x'", 8, /whole number of characters/],
    [
      'left without a length',
      "left(A) eq 'x'",
      6,
      /expected ',' and a number of characters in left\(\) at position 6/,
    ],
    ['upper not closed', "upper(A eq 'x'", 8, /missing '\)' to close upper\( at position 8/],
    ['between without and', 'A between 1 or 2', 12, /expected 'and' between the two bounds/],
    [
      'between with a property bound',
      'A between B and 2',
      10,
      /expected a literal .* after 'between' at position 10/,
    ],
    ['in without parenthesis', "A in 'x'", 5, /expected '\(' after 'in' at position 5/],
    ['empty in list', 'A in ()', 6, /expected a literal .* at position 6, found '\)'/],
    ['in list without comma', 'A in (1 2)', 8, /expected ',' or '\)' in the list of 'in' at position 8/],
    ['like with a number', 'A like 5', 7, /expected a quoted pattern after 'like' at position 7/],
    ['double not', 'not not A eq 1', 4, /expected a condition after 'not' at position 4/],
    ['name starting with _', '_A eq 1', 0, /unexpected '_' at position 0/],
    ['number glued to a word', 'A eq 12abc', 5, /malformed number '12abc' at position 5/],
    ['number with a bare point', 'A eq 1.', 5, /malformed number/],
    ['lone minus', 'A eq - 1', 5, /unexpected '-' at position 5/],
    ['control character', 'A eq\u00011', 4, /control character/],
    ['double-quoted string', 'A eq "x"', 5, /unexpected '"' at position 5/],
    ['empty text', '', 0, /empty/],
    ['blank text', '  \t ', 0, /empty/],
  ])('%s', (_name, text, position, message) => {
    const error = failure(text);
    expect(error.position).toBe(position);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`position ${position}`);
    expect(error.name).toBe('SDataSyntaxError');
  });

  it('refuses text over 4,000 characters before reading it', () => {
    const accepted = `A eq '${'x'.repeat(3993)}'`;
    expect(accepted).toHaveLength(4000);
    expect(() => parseWhere(accepted)).not.toThrow();
    const error = failure(`${accepted} `);
    expect(error.position).toBe(4000);
    expect(error.message).toMatch(/4001 characters long; at most 4000/);
  });

  it('accepts 64 levels of nesting and refuses the 65th, without overflowing the stack', () => {
    const nested = (levels: number): string => `${'('.repeat(levels)}A eq 1${')'.repeat(levels)}`;
    expect(() => parseWhere(nested(64))).not.toThrow();
    const error = failure(nested(65));
    expect(error.position).toBe(64);
    expect(error.message).toMatch(/nesting deeper than 64 levels at position 64/);
    expect(failure(nested(1990)).position).toBe(64);
    expect(failure(`${'not '.repeat(65)}A eq 1`).message).toMatch(/expected a condition after 'not'/);
    const calls = (levels: number): string => `${'upper('.repeat(levels)}A${')'.repeat(levels)} eq 'A'`;
    expect(() => parseWhere(calls(64))).not.toThrow();
    expect(failure(calls(65)).position).toBe(64 * 6);
    expect(failure(`${'not ('.repeat(33)}A eq 1${')'.repeat(33)}`).message).toMatch(/nesting deeper than 64/);
  });

  it('keeps long caller text out of messages', () => {
    const error = failure(`A ${'z'.repeat(500)} 1`);
    expect(error.message.length).toBeLessThan(200);
  });
});
