import PgBoss from 'pg-boss';
import type { AppConfig } from '../config.js';
import type { Store } from '../db/index.js';
import type { Logger } from '../observability/index.js';

export interface JobDefinition<T = object> {
  name: string;
  /** Queue settings (retries, backoff, dead letter…), applied when the queue is created. */
  queue?: Omit<PgBoss.Queue, 'name'>;
  /** Worker settings (batch size, polling interval). */
  work?: PgBoss.WorkOptions;
  handler: PgBoss.WorkHandler<T>;
}

export interface Jobs {
  boss: PgBoss;
  /** False in an `api`-role process: it sends jobs and leaves the work to `worker` processes. */
  runsWorkers: boolean;
  /**
   * Declares a queue and its handler. The queue is created in every role (so sends work);
   * the worker runs only where `runsWorkers`. Callable before or after start().
   */
  define<T = object>(definition: JobDefinition<T>): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * pg-boss on the service's own database: over the store's `executeSql` on PGlite (so its
 * statements wait their turn at the one-session gate), through its own small pool on Postgres.
 */
export function createJobs(
  config: Pick<AppConfig, 'role'>,
  store: Store,
  log: Logger,
  options: { pollingIntervalSeconds?: number; stopTimeoutMs?: number } = {},
): Jobs {
  const runsWorkers = config.role !== 'api';
  const common = {
    // Only processes that work also maintain (expire, archive, cron): one less duty for API-only ones.
    supervise: runsWorkers,
    schedule: runsWorkers,
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
  };
  const boss =
    store.kind === 'postgres' && store.connectionString
      ? new PgBoss({
          connectionString: store.connectionString,
          max: 4,
          application_name: 'x3bridge-jobs',
          ...common,
        })
      : new PgBoss({ db: { executeSql: (text, values) => store.executeSql(text, values) }, ...common });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));

  // Processes starting together on a new database race to create the same queue: pg-boss's
  // check-then-create then ends in a deadlock or a duplicate for all but one of them. The queue
  // exists afterwards either way, so look again and retry a few times before giving up.
  async function ensureQueue(definition: JobDefinition<never>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (await boss.getQueue(definition.name)) return;
        await boss.createQueue(definition.name, { name: definition.name, ...definition.queue });
        return;
      } catch (err) {
        if (attempt >= 5 || !isCreationRace(err)) throw err;
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 30));
      }
    }
  }

  const definitions: JobDefinition<never>[] = [];
  let state: 'new' | 'started' | 'stopped' = 'new';
  let starting: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;

  async function activate(definition: JobDefinition<never>): Promise<void> {
    await ensureQueue(definition);
    if (runsWorkers) await boss.work(definition.name, definition.work ?? {}, definition.handler);
  }

  return {
    boss,
    runsWorkers,
    async define(definition) {
      definitions.push(definition as JobDefinition<never>);
      if (state === 'started') await activate(definition as JobDefinition<never>);
    },
    start() {
      starting ??= (async () => {
        await boss.start();
        state = 'started';
        for (const d of definitions) await activate(d);
      })();
      return starting;
    },
    stop() {
      stopping ??= (async () => {
        if (starting) await starting.catch(() => undefined);
        if (state !== 'started') {
          state = 'stopped';
          return;
        }
        state = 'stopped';
        // Running handlers get the timeout to finish; what they leave is retried by pg-boss.
        await boss.stop({ graceful: true, wait: true, timeout: options.stopTimeoutMs ?? 10_000 });
      })();
      return stopping;
    },
  };
}

/** Postgres deadlock (40P01) or unique violation (23505): another process created it first. */
export function isCreationRace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '23505';
}
