import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, DEMO_CREDENTIALS, type Simulator } from './index.js';
import { apiPath, basicHeader, call, mintToken } from './test-support/client.js';

let sim: Simulator;
const NOW = new Date('2026-06-01T10:00:00Z');
const READ = apiPath('ALDGATE', "BPCUSTOMER('C0001')?representation=BPCUSTOMER.$details");

beforeAll(async () => {
  sim = await createSimulator({ now: NOW, quiet: true });
});
afterAll(async () => {
  await sim.close();
});

function tokenRequest(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

describe('token endpoint', () => {
  const { clientId, clientSecret } = DEMO_CREDENTIALS.oauth2;

  it('mints with client_secret_basic and echoes the scope', async () => {
    const res = await tokenRequest('grant_type=client_credentials&scope=x3.read', {
      authorization: basicHeader(clientId, clientSecret),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'x3.read' });
    expect(typeof body.access_token).toBe('string');
  });

  it('mints with client_secret_post', async () => {
    const res = await tokenRequest(
      `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
    );
    expect(res.status).toBe(200);
    const token = ((await res.json()) as { access_token: string }).access_token;
    expect((await call(sim, 'GET', READ, { token })).status).toBe(200);
  });

  it('answers 401 with WWW-Authenticate for a bad secret in the header', async () => {
    const res = await tokenRequest('grant_type=client_credentials', {
      authorization: basicHeader(clientId, 'wrong'),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('answers 400 invalid_client for a bad secret in the body', async () => {
    const res = await tokenRequest(`grant_type=client_credentials&client_id=${clientId}&client_secret=nope`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, string>;
    expect(body.error).toBe('invalid_client');
    expect(JSON.stringify(body)).not.toContain('nope');
  });

  it('refuses other grants, a missing grant and a non-form body', async () => {
    const auth = { authorization: basicHeader(clientId, clientSecret) };
    const password = await tokenRequest('grant_type=password&username=a&password=b', auth);
    expect(password.status).toBe(400);
    expect(await password.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const missing = await tokenRequest('scope=x', auth);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    const json = await fetch(`${sim.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: '{"grant_type":"client_credentials"}',
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('bearer tokens', () => {
  it('refuses unknown, expired and revoked tokens', async () => {
    expect((await call(sim, 'GET', READ, { token: 'made-up' })).status).toBe(401);
    const none = await call(sim, 'GET', READ);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBeTruthy();

    const token = await mintToken(sim);
    expect((await call(sim, 'GET', READ, { token })).status).toBe(200);
    sim.clock.advance(301_000);
    const expired = await call(sim, 'GET', READ, { token });
    expect(expired.status).toBe(401);
    expect(expired.body.$diagnoses[0].$message).toMatch(/expired/i);
    sim.clock.set(NOW);

    const other = await mintToken(sim);
    await fetch(`${sim.url}/__sim/tokens/revoke`, { method: 'POST' });
    expect((await call(sim, 'GET', READ, { token: other })).status).toBe(401);
  });

  it('answers 403 with a diagnosis for a client without rights on the class', async () => {
    const { clientId, clientSecret } = DEMO_CREDENTIALS.readOnly;
    const token = await mintToken(sim, clientId, clientSecret);
    const denied = await call(sim, 'GET', READ, { token });
    expect(denied.status).toBe(403);
    expect(denied.body.$diagnoses[0].$message).toContain('No rights on BPCUSTOMER');
    const items = await call(sim, 'GET', apiPath('ALDGATE', 'ITMMASTER?representation=ITMMASTER.$query'), {
      token,
    });
    expect(items.status).toBe(200);
  });
});

describe('connected-app JWT', () => {
  const app = DEMO_CREDENTIALS.connectedApp;
  const nowS = Math.floor(NOW.getTime() / 1000);

  async function jwt(
    claims: { iss?: string; sub?: string; aud?: string; iat?: number; exp?: number | null },
    secret: string = app.secret,
  ): Promise<string> {
    const iat = claims.iat ?? nowS - 5;
    let builder = new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(claims.iss ?? app.clientId)
      .setSubject(claims.sub ?? app.user)
      .setAudience(claims.aud ?? '')
      .setIssuedAt(iat);
    if (claims.exp !== null) builder = builder.setExpirationTime(claims.exp ?? iat + 60);
    return builder.sign(new TextEncoder().encode(secret));
  }

  async function status(token: string): Promise<[number, string | undefined]> {
    const res = await call(sim, 'GET', READ, { token });
    return [res.status, res.body?.$diagnoses?.[0]?.$message];
  }

  it('accepts a well-formed token, with "" or the base URL as audience', async () => {
    expect((await status(await jwt({})))[0]).toBe(200);
    expect((await status(await jwt({ aud: sim.url })))[0]).toBe(200);
  });

  it('refuses each broken claim with its X3 error number', async () => {
    expect(await status(await jwt({}, 'not-the-secret'))).toEqual([401, 'Error 50: Invalid token']);
    expect(await status(await jwt({ iss: 'someone-else' }))).toEqual([401, 'Error 41: Invalid token']);
    expect(await status(await jwt({ sub: 'ADMIN' }))).toEqual([401, 'Error 42: Invalid token']);
    expect(await status(await jwt({ aud: 'https://elsewhere.example' }))).toEqual([
      401,
      'Error 45: Invalid token',
    ]);
    expect(await status(await jwt({ iat: nowS + 60, exp: nowS + 120 }))).toEqual([
      401,
      'Error 21: Invalid token',
    ]);
    expect(await status(await jwt({ exp: null }))).toEqual([401, 'Error 50: Invalid token']);
    expect(await status(await jwt({ iat: nowS - 200, exp: nowS - 10 }))).toEqual([
      401,
      'Error 50: Invalid token',
    ]);
    expect(await status(await jwt({ iat: nowS - 5, exp: nowS + 3600 }))).toEqual([
      401,
      'Error 50: Invalid token',
    ]);
  });

  it('tolerates an iat a few seconds ahead (clock skew)', async () => {
    expect((await status(await jwt({ iat: nowS + 3, exp: nowS + 60 })))[0]).toBe(200);
  });
});

describe('basic auth and per-folder modes', () => {
  it('accepts the demo user and refuses a wrong password', async () => {
    expect((await call(sim, 'GET', READ, { basic: ['WEBSVC', 'websvc'] })).status).toBe(200);
    const wrong = await call(sim, 'GET', READ, { basic: ['WEBSVC', 'nope'] });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('switches each mode off per folder', async () => {
    const token = await mintToken(sim);
    const settings = sim.settings('ALDGATE');
    try {
      settings.auth = { oauth2: false, connectedApp: true, basic: false };
      expect((await call(sim, 'GET', READ, { token })).status).toBe(401);
      expect((await call(sim, 'GET', READ, { basic: ['WEBSVC', 'websvc'] })).status).toBe(401);
      const test = apiPath('ALDTEST', "BPCUSTOMER('T0001')?representation=BPCUSTOMER.$details");
      expect((await call(sim, 'GET', test, { token })).status).toBe(200);
    } finally {
      settings.auth = { oauth2: true, connectedApp: true, basic: true };
    }
    expect((await call(sim, 'GET', READ, { token })).status).toBe(200);
  });

  it('logs the scheme of each call', async () => {
    await fetch(`${sim.url}/__sim/requests`, { method: 'DELETE' });
    await call(sim, 'GET', READ, { basic: ['WEBSVC', 'websvc'] });
    await call(sim, 'GET', READ);
    const log = (await (await fetch(`${sim.url}/__sim/requests`)).json()) as {
      authScheme: string;
      status: number;
    }[];
    expect(log.map((e) => [e.authScheme, e.status])).toEqual([
      ['basic', 200],
      ['none', 401],
    ]);
  });
});
