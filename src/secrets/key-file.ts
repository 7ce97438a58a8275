import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { formatKeyRing, parseKeyRing, type MasterKey } from './key-ring.js';

export const KEY_FILE = 'master.key';

export function keyFilePath(dataDir: string): string {
  return join(resolve(dataDir), KEY_FILE);
}

/** A new key id that sorts by creation time: `mk-20261130T034000Z-ab12`. */
export function newMasterKey(): MasterKey {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return { id: `mk-${stamp}-${randomBytes(2).toString('hex')}`, key: randomBytes(32) };
}

export function readKeyFile(path: string): MasterKey[] {
  return parseKeyRing(readFileSync(path, 'utf8'));
}

/** Whether group or others can read the file (a key file must be 0600). */
export function keyFileIsExposed(path: string): boolean {
  return (statSync(path).mode & 0o077) !== 0;
}

/** Creates the key file with one key, exclusively and readable by the owner only. Returns null if it exists. */
export function createKeyFile(path: string): MasterKey[] | null {
  mkdirSync(resolve(path, '..'), { recursive: true, mode: 0o700 });
  const keys = [newMasterKey()];
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw err;
  }
  try {
    writeSync(fd, `${formatKeyRing(keys).replace(/,/g, '\n')}\n`);
  } finally {
    closeSync(fd);
  }
  // The umask may have narrowed the mode; make it exactly owner read/write.
  chmodSync(path, 0o600);
  return keys;
}

/** Appends a new newest key to the key file and returns the whole ring. */
export function addKeyToFile(path: string): { keys: MasterKey[]; added: MasterKey } {
  const keys = readKeyFile(path);
  const added = newMasterKey();
  const next = [...keys, added];
  writeFileSync(path, `${formatKeyRing(next).replace(/,/g, '\n')}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { keys: next, added };
}
