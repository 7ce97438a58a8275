import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { MasterKey } from './key-ring.js';

/** Seals and opens secrets with envelope encryption; see createVault for where keys come from. */
export interface Vault {
  /** A fresh AES-256-GCM data key encrypts `plaintext`; the newest master key wraps the data key. */
  seal(plaintext: string, aad: string): string;
  /** `aad` must be the one given to seal (the owning record's id): a ciphertext moved to another row does not open. */
  open(sealed: string, aad: string): string;
  /** Re-wraps the data key with the newest master key; the ciphertext itself is untouched. */
  rewrap(sealed: string): string;
  /** The master key id a sealed value names. */
  keyIdOf(sealed: string): string;
  readonly currentKeyId: string;
}

export class VaultError extends Error {
  override name = 'VaultError';
}

/** The ciphertext names a master key the ring does not hold. */
export class UnknownMasterKeyError extends VaultError {
  override name = 'UnknownMasterKeyError';
  constructor(readonly keyId: string) {
    super(
      `a stored secret was sealed with master key "${keyId}", which is not in the key ring; ` +
        `add that key back (X3BRIDGE_MASTER_KEYS or the data folder's master.key) to read it`,
    );
  }
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

// Layout: v1.<keyId>.<wrapped: iv|tag|encrypted data key>.<iv>.<tag>.<ciphertext>, base64url parts.
interface Parts {
  keyId: string;
  wrapped: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parse(sealed: string): Parts {
  const parts = sealed.split('.');
  if (parts.length !== 6 || parts[0] !== VERSION) {
    throw new VaultError('the stored secret is not in a format this version of x3bridge can read');
  }
  const [, keyId, wrapped, iv, tag, ciphertext] = parts as [string, string, string, string, string, string];
  return {
    keyId,
    wrapped: Buffer.from(wrapped, 'base64url'),
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
  };
}

function format(p: Parts): string {
  return [VERSION, p.keyId, p.wrapped, p.iv, p.tag, p.ciphertext]
    .map((x) => (typeof x === 'string' ? x : x.toString('base64url')))
    .join('.');
}

function encrypt(
  key: Buffer,
  plaintext: Buffer,
  aad: string,
): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

function decrypt(key: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer, aad: string): Buffer {
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad lengths');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

// The master key id is the wrap's associated data, so a wrapped key cannot be relabelled.
function wrapDataKey(master: MasterKey, dataKey: Buffer): Buffer {
  const { iv, tag, ciphertext } = encrypt(master.key, dataKey, `${VERSION}:master:${master.id}`);
  return Buffer.concat([iv, tag, ciphertext]);
}

function unwrapDataKey(master: MasterKey, wrapped: Buffer): Buffer {
  const iv = wrapped.subarray(0, IV_BYTES);
  const tag = wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const encrypted = wrapped.subarray(IV_BYTES + TAG_BYTES);
  try {
    const key = decrypt(master.key, iv, tag, encrypted, `${VERSION}:master:${master.id}`);
    if (key.length !== KEY_BYTES) throw new Error('bad key length');
    return key;
  } catch {
    throw new VaultError(
      `master key "${master.id}" could not unwrap a stored data key (wrong key or damaged data)`,
    );
  }
}

/**
 * A vault over a key ring (newest last). `findKey` may consult a source that changes (the key
 * file after `keys rotate`) when a ciphertext names a key the ring does not hold yet.
 */
export function createVaultFromKeys(keys: MasterKey[], reload?: () => MasterKey[]): Vault {
  if (keys.length === 0) throw new VaultError('the key ring is empty');
  let ring = keys;
  const newest = () => ring[ring.length - 1]!;
  const find = (id: string): MasterKey => {
    let key = ring.find((k) => k.id === id);
    if (!key && reload) {
      ring = reload();
      key = ring.find((k) => k.id === id);
    }
    if (!key) throw new UnknownMasterKeyError(id);
    return key;
  };
  const outerAad = (aad: string) => `${VERSION}:${aad}`;

  return {
    get currentKeyId() {
      return newest().id;
    },
    keyIdOf(sealed) {
      return parse(sealed).keyId;
    },
    seal(plaintext, aad) {
      const master = newest();
      const dataKey = randomBytes(KEY_BYTES);
      const { iv, tag, ciphertext } = encrypt(dataKey, Buffer.from(plaintext, 'utf8'), outerAad(aad));
      return format({ keyId: master.id, wrapped: wrapDataKey(master, dataKey), iv, tag, ciphertext });
    },
    open(sealed, aad) {
      const p = parse(sealed);
      const dataKey = unwrapDataKey(find(p.keyId), p.wrapped);
      try {
        return decrypt(dataKey, p.iv, p.tag, p.ciphertext, outerAad(aad)).toString('utf8');
      } catch {
        throw new VaultError(
          'a stored secret could not be decrypted: it belongs to another record or has been altered',
        );
      }
    },
    rewrap(sealed) {
      const p = parse(sealed);
      const master = newest();
      const dataKey = unwrapDataKey(find(p.keyId), p.wrapped);
      return format({ ...p, keyId: master.id, wrapped: wrapDataKey(master, dataKey) });
    },
  };
}
