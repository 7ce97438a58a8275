import type { Command } from 'commander';
import { createSimulator, DEMO_CREDENTIALS, type Simulator } from '../simulator/index.js';

function whole(name: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} needs a whole number of at least ${min}`);
    return n;
  };
}

function positive(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new Error('--scale needs a number greater than 0');
  return n;
}

interface SimulatorFlags {
  port: number;
  host: string;
  scale: number;
  poolSize: number;
  pageCap: number;
}

/** `x3bridge simulator`: a local Sage X3 with the Aldgate demo folders, until SIGINT/SIGTERM. */
export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('Run the X3 simulator (REST api1, OAuth2, demo folders ALDGATE and ALDTEST) until stopped')
    .option('--port <port>', 'port to listen on (0 picks a free one)', whole('port', 0), 8124)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--scale <n>', 'multiply generated data: n × 1,000 items, n × 100 customers', positive, 1)
    .option('--pool-size <n>', 'concurrent requests per folder before 503', whole('pool-size', 1), 6)
    .option('--page-cap <n>', 'largest page size answered whatever count asks', whole('page-cap', 1), 100)
    .action(async (flags: SimulatorFlags) => {
      const sim: Simulator = await createSimulator({
        port: flags.port,
        host: flags.host,
        scale: flags.scale,
        poolSize: flags.poolSize,
        pageCap: flags.pageCap,
      });
      const c = DEMO_CREDENTIALS;
      process.stdout.write(
        [
          `X3 simulator listening on ${sim.url}`,
          `  folders: ${sim.folders.join(', ')}   (REST base ${sim.url}/api1/x3/erp/<FOLDER>/)`,
          `  OAuth2 client_credentials: ${c.oauth2.clientId} / ${c.oauth2.clientSecret}   (token URL ${sim.url}/oauth2/token)`,
          `  connected app (HS256 JWT): ${c.connectedApp.clientId} / ${c.connectedApp.secret}, user ${c.connectedApp.user}`,
          `  basic: ${c.basic.user} / ${c.basic.password}`,
          `  control plane: ${sim.url}/__sim/health, /__sim/requests, /__sim/faults`,
          'Press Ctrl+C to stop.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sim.close();
      process.stdout.write('X3 simulator stopped.\n');
    });
}
