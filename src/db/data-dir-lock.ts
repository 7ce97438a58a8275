import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'x3bridge.lock';

export interface LockOwner {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
  url?: string;
}

/** The embedded data folder is in use by another live process. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    const what = owner.url ? `${owner.command} at ${owner.url}` : owner.command;
    super(
      `the data folder ${dataDir} is in use by another x3bridge process (${what}, pid ${owner.pid} on ` +
        `${owner.hostname}, since ${owner.startedAt}). An embedded database has one owner: stop that ` +
        `process first, or run both against a Postgres server by setting DATABASE_URL.`,
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Adds facts (say the URL the server listens at) so a second process can name it. */
  update(info: Partial<Pick<LockOwner, 'url' | 'command'>>): void;
  release(): void;
}

// Locks this process holds, so a second open of the same folder in-process is refused too.
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number') return null;
    return {
      pid: parsed.pid,
      hostname: parsed.hostname ?? 'unknown host',
      command: parsed.command ?? 'x3bridge',
      startedAt: parsed.startedAt ?? 'an unknown time',
      ...(parsed.url ? { url: parsed.url } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * Takes the data folder's lock file (created exclusively, pid inside). A lock left by a dead
 * process on this host is taken over; a live owner gets DataDirLockedError naming it.
 */
export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    command,
    startedAt: new Date().toISOString(),
  };
  if (heldHere.has(path)) throw new DataDirLockedError(dir, readOwner(path) ?? owner);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(owner));
      } finally {
        closeSync(fd);
      }
      heldHere.add(path);
      return makeLock(path, owner);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const existing = readOwner(path);
    const stale =
      existing === null
        ? // No pid inside: either a crash between create and write, or another process is
          // writing it right now; only an old one is taken over.
          ageMs(path) > 5_000
        : existing.hostname === owner.hostname && !isAlive(existing.pid);
    if (!stale) {
      throw new DataDirLockedError(
        dir,
        existing ?? { ...owner, pid: 0, command: 'another x3bridge process' },
      );
    }
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new DataDirLockedError(dir, readOwner(path) ?? owner);
}

function makeLock(path: string, owner: LockOwner): DataDirLock {
  let current = owner;
  let released = false;
  const onExit = () => lock.release();
  const lock: DataDirLock = {
    path,
    get owner() {
      return current;
    },
    update(info) {
      if (released) return;
      current = { ...current, ...info };
      writeFileSync(path, JSON.stringify(current), { mode: 0o600 });
    },
    release() {
      if (released) return;
      released = true;
      heldHere.delete(path);
      process.off('exit', onExit);
      const onDisk = readOwner(path);
      if (onDisk?.pid === process.pid) {
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to give back.
        }
      }
    },
  };
  process.on('exit', onExit);
  return lock;
}
