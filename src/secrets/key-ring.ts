/** One master key of the ring: an id (stored in every ciphertext it wraps) and 32 bytes of key. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class KeyRingFormatError extends Error {
  override name = 'KeyRingFormatError';
}

/**
 * Parses `id1:base64key1,id2:base64key2` (newest last). Each key decodes to exactly 32 bytes.
 * Messages name the entry's position and id, never any key material.
 */
export function parseKeyRing(text: string): MasterKey[] {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 0) throw new KeyRingFormatError('the key ring is empty');
  const keys: MasterKey[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const where = `entry ${index + 1}`;
    if (colon <= 0) throw new KeyRingFormatError(`${where} is not in the form id:base64key`);
    const id = entry.slice(0, colon);
    const material = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) {
      throw new KeyRingFormatError(`${where} has an id that is not 1-64 letters, digits, '-' or '_'`);
    }
    if (seen.has(id)) throw new KeyRingFormatError(`key id "${id}" appears twice`);
    seen.add(id);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(material)) {
      throw new KeyRingFormatError(`key "${id}" is not valid base64`);
    }
    const key = Buffer.from(material, 'base64');
    if (key.length !== 32) {
      throw new KeyRingFormatError(`key "${id}" decodes to ${key.length} bytes; a master key is 32 bytes`);
    }
    keys.push({ id, key });
  });
  return keys;
}

export function formatKeyRing(keys: MasterKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}
