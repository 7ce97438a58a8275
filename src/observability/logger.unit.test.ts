import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', stream }) };
}

describe('logger redaction', () => {
  it('censors secrets at any of the first levels of a log object', () => {
    const { lines, log } = capture();
    log.info(
      {
        req: { headers: { authorization: 'Bearer x3b_live_SECRET1', 'set-cookie': 'sid=SECRET2' } },
        auth: { type: 'client_credentials', clientId: 'aldgate-integration', clientSecret: 'SECRET3' },
        body: { token: { access_token: 'SECRET4' }, password: 'SECRET5' },
        connection: { credentials: { secret: 'SECRET6' } },
        config: { masterKeys: 'k1:SECRET7', databaseUrl: 'postgres://u:SECRET8@db/x' },
      },
      'a line with secrets',
    );
    const text = lines.join('');
    for (let i = 1; i <= 8; i++) expect(text).not.toContain(`SECRET${i}`);
    expect(text).toContain('aldgate-integration');
    expect(text).toContain('[redacted]');
  });
});
