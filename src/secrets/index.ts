import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import { parseKeyRing } from './key-ring.js';
import { createKeyFile, keyFileIsExposed, keyFilePath, newMasterKey, readKeyFile } from './key-file.js';
import { createVaultFromKeys, type Vault } from './vault.js';

export { UnknownMasterKeyError, VaultError, createVaultFromKeys, type Vault } from './vault.js';
export { parseKeyRing, formatKeyRing, KeyRingFormatError, type MasterKey } from './key-ring.js';
export { keyFilePath, addKeyToFile, newMasterKey } from './key-file.js';
export {
  rotateSealedColumn,
  CONNECTION_CREDENTIALS,
  type RotateProgress,
  type RotateResult,
  type RotateTarget,
} from './rotate.service.js';

type VaultLog = Pick<Logger, 'warn' | 'info'>;

/**
 * The vault for this configuration. Key ring from X3BRIDGE_MASTER_KEYS when set; otherwise
 * `{dataDir}/master.key`, created (mode 0600) on first run and announced once in the log.
 */
export async function createVault(config: AppConfig, log?: VaultLog): Promise<Vault> {
  if (config.masterKeys) return createVaultFromKeys(parseKeyRing(config.masterKeys));
  if (config.dataDir.startsWith('memory://')) {
    log?.warn('no master key configured and the database is in memory: using a throwaway key');
    return createVaultFromKeys([newMasterKey()]);
  }
  const path = keyFilePath(config.dataDir);
  if (!existsSync(path)) {
    const created = createKeyFile(path);
    if (created) {
      log?.warn(
        { path },
        `created a master key at ${path}; back it up — without it stored credentials cannot be decrypted`,
      );
    }
  }
  if (keyFileIsExposed(path)) {
    log?.warn({ path }, `the master key file ${path} is readable by other users; run chmod 600 on it`);
  }
  return createVaultFromKeys(readKeyFile(path), () => readKeyFile(path));
}
