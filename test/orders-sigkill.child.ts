// The sender the SIGKILL test kills: the whole app on the Postgres database named by
// DATABASE_URL, configured from its environment like `x3bridge serve`. It prints its URL once
// listening and then waits to be killed.
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const app = await createApp(loadConfig(undefined, { port: 0, host: '127.0.0.1' }));
const url = await app.start();
process.stdout.write(`${JSON.stringify({ url })}\n`);
