import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createVaultFromKeys, UnknownMasterKeyError, VaultError } from './vault.js';
import { parseKeyRing, KeyRingFormatError } from './key-ring.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('vault', () => {
  it('round-trips any text and never shows it in the sealed form', () => {
    const vault = createVaultFromKeys([k1]);
    fc.assert(
      fc.property(fc.string({ minLength: 4 }), fc.string(), (plaintext, aad) => {
        const sealed = vault.seal(plaintext, aad);
        expect(vault.open(sealed, aad)).toBe(plaintext);
        expect(sealed).not.toContain(plaintext);
      }),
      { numRuns: 200 },
    );
  });

  it('uses a fresh data key and IV each time', () => {
    const vault = createVaultFromKeys([k1]);
    expect(vault.seal('same', 'conn_1')).not.toBe(vault.seal('same', 'conn_1'));
  });

  it('refuses a ciphertext moved to another record', () => {
    const vault = createVaultFromKeys([k1]);
    const sealed = vault.seal('aldgate-demo-secret', 'conn_a');
    expect(() => vault.open(sealed, 'conn_b')).toThrow(VaultError);
    expect(() => vault.open(sealed, 'conn_b')).toThrow(/another record/);
  });

  it('refuses tampering with the ciphertext or relabelling the wrapped key', () => {
    const vault = createVaultFromKeys([k1, { id: 'k1b', key: k1.key }]);
    const sealed = createVaultFromKeys([k1]).seal('secret', 'c');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[5]!, 'base64url');
    flipped[0]! ^= 1;
    const tampered = [...parts.slice(0, 5), flipped.toString('base64url')].join('.');
    expect(() => vault.open(tampered, 'c')).toThrow(VaultError);
    // Same key bytes under another id: the id is bound into the wrap, so it does not open.
    const relabelled = ['v1', 'k1b', ...parts.slice(2)].join('.');
    expect(() => vault.open(relabelled, 'c')).toThrow(/could not unwrap/);
  });

  it('names an unknown key id in plain words without key material', () => {
    const sealed = createVaultFromKeys([k2]).seal('secret', 'c');
    const vault = createVaultFromKeys([k1]);
    let error: unknown;
    try {
      vault.open(sealed, 'c');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnknownMasterKeyError);
    expect((error as Error).message).toContain('"k2"');
    expect((error as Error).message).not.toContain(k2.key.toString('base64'));
  });

  it('rewrap moves to the newest key, keeps the plaintext and the ciphertext', () => {
    const sealed = createVaultFromKeys([k1]).seal('secret', 'conn_1');
    const rotated = createVaultFromKeys([k1, k2]);
    expect(rotated.currentKeyId).toBe('k2');
    const rewrapped = rotated.rewrap(sealed);
    expect(rotated.keyIdOf(sealed)).toBe('k1');
    expect(rotated.keyIdOf(rewrapped)).toBe('k2');
    expect(rewrapped.split('.').slice(3)).toEqual(sealed.split('.').slice(3));
    expect(rotated.open(rewrapped, 'conn_1')).toBe('secret');
    // Only the new key is needed afterwards.
    expect(createVaultFromKeys([k2]).open(rewrapped, 'conn_1')).toBe('secret');
  });

  it('reloads the ring once when a ciphertext names a key added since start', () => {
    const sealed = createVaultFromKeys([k1, k2]).seal('secret', 'c');
    const vault = createVaultFromKeys([k1], () => [k1, k2]);
    expect(vault.open(sealed, 'c')).toBe('secret');
  });
});

describe('key ring format', () => {
  it('parses id:base64 entries, newest last', () => {
    const ring = parseKeyRing(` a:${k1.key.toString('base64')}, b:${k2.key.toString('base64')} `);
    expect(ring.map((k) => k.id)).toEqual(['a', 'b']);
    expect(ring[1]!.key.equals(k2.key)).toBe(true);
  });

  it.each([
    ['', /empty/],
    ['nocolon', /id:base64key/],
    ['a:c2hvcnQ=', /32 bytes/],
    [`a:${k1.key.toString('base64')},a:${k2.key.toString('base64')}`, /twice/],
    ['bad id!:xx', /id/],
  ])('rejects %j', (text, message) => {
    expect(() => parseKeyRing(text)).toThrow(KeyRingFormatError);
    expect(() => parseKeyRing(text)).toThrow(message);
  });
});
