import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const key32 = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './.x3bridge',
      databaseUrl: null,
      masterKeys: null,
      allowPrivateHosts: [],
      logLevel: 'info',
      role: 'all',
      demo: false,
      publicUrl: null,
      ci: false,
      logLevelGiven: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads CI as CI systems set it', () => {
    for (const value of ['true', '1', 'woodpecker']) expect(loadConfig({ CI: value }).ci).toBe(true);
    for (const value of ['', 'false', '0', 'no']) expect(loadConfig({ CI: value }).ci).toBe(false);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      X3BRIDGE_PORT: '8080',
      X3BRIDGE_HOST: '0.0.0.0',
      X3BRIDGE_DATA_DIR: '/var/lib/x3b',
      DATABASE_URL: 'postgres://u:p@db/x3',
      X3BRIDGE_MASTER_KEYS: `k1:${key32},k2:${key32}`,
      X3BRIDGE_ALLOW_PRIVATE_HOSTS: 'localhost, 10.0.0.0/8,*',
      LOG_LEVEL: 'DEBUG',
      X3BRIDGE_ROLE: 'worker',
      X3BRIDGE_DEMO: 'true',
      X3BRIDGE_PUBLIC_URL: 'https://x3b.example.com',
    });
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe('postgres://u:p@db/x3');
    expect(config.allowPrivateHosts).toEqual(['localhost', '10.0.0.0/8', '*']);
    expect(config.logLevel).toBe('debug');
    expect(config.role).toBe('worker');
    expect(config.demo).toBe(true);
  });

  it('lists every bad variable in one error without echoing values', () => {
    const secretish = 'postgres-but-not-a-url-s3cr3t';
    let error: unknown;
    try {
      loadConfig({
        X3BRIDGE_PORT: '70000',
        DATABASE_URL: secretish,
        X3BRIDGE_MASTER_KEYS: 'k1:c2hvcnQ=',
        X3BRIDGE_ALLOW_PRIVATE_HOSTS: 'ok.example, bad host!',
        LOG_LEVEL: 'loud',
        X3BRIDGE_ROLE: 'boss',
        X3BRIDGE_PUBLIC_URL: 'ftp://nope',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((i) => i.variable).sort();
    expect(issues).toEqual(
      [
        'DATABASE_URL',
        'LOG_LEVEL',
        'X3BRIDGE_ALLOW_PRIVATE_HOSTS',
        'X3BRIDGE_MASTER_KEYS',
        'X3BRIDGE_PORT',
        'X3BRIDGE_PUBLIC_URL',
        'X3BRIDGE_ROLE',
      ].sort(),
    );
    const message = (error as Error).message;
    expect(message).not.toContain(secretish);
    expect(message).not.toContain('c2hvcnQ=');
    expect(message).toContain('32 bytes');
  });

  it('lets flags override variables and validates them', () => {
    expect(loadConfig({ X3BRIDGE_PORT: '8080' }, { port: 0, host: '::1' })).toMatchObject({
      port: 0,
      host: '::1',
    });
    expect(loadConfig({ X3BRIDGE_PORT: '8080' }, { port: undefined }).port).toBe(8080);
    expect(() => loadConfig({}, { port: -1 })).toThrow(ConfigError);
  });
});
