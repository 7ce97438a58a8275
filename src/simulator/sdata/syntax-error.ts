/**
 * A malformed `where` or `orderBy` value. `position` is the 0-based character offset in the
 * text where the problem was found (the text's length when it ended too early); the message
 * repeats it in plain words, so it can go to the caller as it is (it quotes only the caller's
 * own query text, shortened).
 */
export class SDataSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = 'SDataSyntaxError';
    this.position = position;
  }
}

/** Longest `where` or `orderBy` accepted: longer text is refused before it is read. */
export const MAX_QUERY_TEXT_LENGTH = 4000;

/** Shortens caller text quoted in a message so that an error never echoes a whole payload. */
export function quoteForMessage(text: string): string {
  const shown = text.length > 24 ? `${text.slice(0, 24)}…` : text;
  return `'${shown}'`;
}
