#!/usr/bin/env node
// The x3bridge command. Runs the compiled CLI (built by `npm install` through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(
    'x3bridge is not built yet: run `npm install` (or `npm run build`) in the package folder first.\n',
  );
  process.exit(1);
}
await import(pathToFileURL(entry).href);
