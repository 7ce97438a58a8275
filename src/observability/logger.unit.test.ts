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

describe('secret scrubbing', () => {
  it('reaches deeper than a few levels, in arrays, errors and child bindings', () => {
    const { lines, log } = capture();
    const err = Object.assign(new Error('token endpoint said no'), { request: { password: 'SECRET1' } });
    log.child({ connection: { auth: { clientSecret: 'SECRET2' } } }).warn(
      {
        a: { b: { c: { d: { apiKey: 'SECRET3' } } } },
        list: [{ Authorization: 'Basic SECRET4' }, 'plain'],
        err,
      },
      'deep secrets',
    );
    const text = lines.join('');
    for (let i = 1; i <= 4; i++) expect(text).not.toContain(`SECRET${i}`);
    expect(text).toContain('token endpoint said no');
    expect(text).toContain('plain');
    expect(JSON.parse(text).err.stack).toMatch(/token endpoint said no/);
    expect(JSON.parse(text).err.type).toBe('Error');
  });

  it('leaves an object without secrets untouched (no copy)', async () => {
    const { scrubSecrets } = await import('./logger.js');
    const object = { method: 'GET', url: '/v1/connections', nested: { statusCode: 200, list: [1, 2] } };
    expect(scrubSecrets(object)).toBe(object);
    const withSecret = { outer: { token: 't' }, keep: { same: true } };
    const scrubbed = scrubSecrets(withSecret) as typeof withSecret;
    expect(scrubbed).not.toBe(withSecret);
    expect(scrubbed.outer.token).toBe('[redacted]');
    expect(scrubbed.keep).toBe(withSecret.keep);
    expect(withSecret.outer.token).toBe('t');
  });
});
