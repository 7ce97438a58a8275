import { SingleBar, Presets } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { sql } from 'kysely';
import { loadConfig } from '../config.js';
import { openStore } from '../db/index.js';
import { createApiKey, ensureEnvironment, listApiKeys, revokeApiKey } from '../environments/index.js';
import { findEnvironmentByName } from '../environments/environment.repository.js';
import {
  addKeyToFile,
  CONNECTION_CREDENTIALS,
  createVault,
  keyFilePath,
  rotateSealedColumn,
  type RotateTarget,
} from '../secrets/index.js';
import { WEBHOOK_SECRETS } from '../webhooks/webhook.repository.js';
import { out, withAdminStore, type CliIo } from './migrate.command.js';

function keyName(value: string): string {
  if (!value.trim() || value.length > 100)
    throw new InvalidArgumentError('give a name of 1 to 100 characters');
  return value.trim();
}

export function registerKeysCommand(program: Command, io: CliIo = {}): void {
  const keys = program.command('keys').description('API keys and master keys.');

  keys
    .command('create')
    .description('Create an API key for an environment (created if missing). The key is printed once.')
    .requiredOption('-e, --environment <name>', 'environment name, e.g. production')
    .option('-n, --name <name>', 'a label for the key', keyName, 'default')
    .action(async (opts: { environment: string; name: string }) => {
      const print = out(io);
      const config = loadConfig(io.env);
      const { environment, created, key, apiKey } = await withAdminStore(
        config,
        'x3bridge keys create',
        async (store) =>
          store.db.transaction().execute(async (trx) => {
            const ensured = await ensureEnvironment(trx, opts.environment);
            const made = await createApiKey(trx, ensured.environment.id, opts.name);
            return { ...ensured, ...made };
          }),
      );
      if (created) print(`Created environment "${environment.name}" (${environment.id}).`);
      print(`API key "${apiKey.name}" (${apiKey.id}) for environment "${environment.name}":`);
      print('');
      print(`  ${key}`);
      print('');
      print('It is shown only this once: store it in your secret manager now.');
      print('Use it as: Authorization: Bearer <key>');
    });

  keys
    .command('list')
    .description('List the API keys of an environment (prefixes only).')
    .requiredOption('-e, --environment <name>', 'environment name')
    .action(async (opts: { environment: string }) => {
      const print = out(io);
      const config = loadConfig(io.env);
      await withAdminStore(config, 'x3bridge keys list', async (store) => {
        const env = await findEnvironmentByName(store.db, opts.environment);
        if (!env) throw new Error(`there is no environment named "${opts.environment}"`);
        for (const k of await listApiKeys(store.db, env.id)) {
          const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
          const used = k.lastUsedAt ? `last used ${k.lastUsedAt.toISOString()}` : 'never used';
          print(`${k.id}  ${k.prefix}…  ${k.name}  ${state}  ${used}`);
        }
      });
    });

  keys
    .command('revoke')
    .description('Revoke an API key by its id (key_…); calls with it fail from then on.')
    .argument('<id>', 'the key id')
    .action(async (id: string) => {
      const print = out(io);
      const config = loadConfig(io.env);
      const revoked = await withAdminStore(config, 'x3bridge keys revoke', (store) =>
        revokeApiKey(store.db, id),
      );
      print(revoked ? `Revoked ${id}.` : `${id} was already revoked.`);
    });

  keys
    .command('rotate')
    .description("Re-wrap every connection's data key with the newest master key (online, in batches).")
    .option(
      '--batch-size <n>',
      'rows per transaction',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 10_000)
          throw new InvalidArgumentError('a whole number from 1 to 10000');
        return n;
      },
      100,
    )
    .action(async (opts: { batchSize: number }) => {
      const print = out(io);
      const config = loadConfig(io.env);
      // Open first: beside a running embedded server the lock refuses before any key changes.
      const store = await openStore(config, { command: 'x3bridge keys rotate' });
      try {
        if (!config.masterKeys) {
          const { added } = addKeyToFile(keyFilePath(config.dataDir));
          print(
            `Added master key "${added.id}" to ${keyFilePath(config.dataDir)} (back it up with the file).`,
          );
        }
        const vault = await createVault(config);
        // Every sealed column: connection credentials and webhook signing secrets.
        const targets: Array<{ label: string; target: RotateTarget }> = [
          { label: 'connection credential', target: CONNECTION_CREDENTIALS },
          { label: 'webhook signing secret', target: WEBHOOK_SECRETS },
        ];
        const result = { scanned: 0, rewrapped: 0, keyId: vault.currentKeyId };
        for (const { label, target } of targets) {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from ${sql.table(target.table)}
            where ${sql.ref(target.sealedColumn)} is not null`.execute(store.db);
          const total = rows[0]?.n ?? 0;
          const bar =
            (io.stdout ?? process.stdout) === process.stdout && process.stdout.isTTY && total > 0
              ? new SingleBar({ format: `${label}s [{bar}] {value}/{total}` }, Presets.shades_classic)
              : null;
          bar?.start(total, 0);
          const done = await rotateSealedColumn(store.db, vault, target, {
            batchSize: opts.batchSize,
            onProgress: (p) => bar?.update(p.scanned),
          });
          bar?.stop();
          print(
            `Re-wrapped ${done.rewrapped} of ${done.scanned} ${label}(s) with master key "${done.keyId}".`,
          );
          result.scanned += done.scanned;
          result.rewrapped += done.rewrapped;
        }
        if (config.masterKeys && result.rewrapped === 0 && result.scanned > 0) {
          print(
            'Every secret already uses the newest key in X3BRIDGE_MASTER_KEYS. To rotate, add a new key at the ' +
              'end of X3BRIDGE_MASTER_KEYS (id:base64, e.g. from `openssl rand -base64 32`), restart every ' +
              'x3bridge process with it, then run `x3bridge keys rotate` again.',
          );
        } else if (config.masterKeys) {
          print(
            'Older keys can be removed from X3BRIDGE_MASTER_KEYS once every process runs with the new one.',
          );
        }
      } finally {
        await store.close();
      }
    });
}
