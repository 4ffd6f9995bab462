#!/usr/bin/env node
// The one `steward` command (decision 0012). `serve` and `keys` belong to the server and run its
// own entry in this process, unchanged; every other command is the API client in ../src.
// Neither program imports the other: this launcher is the only place that knows both.
import { register } from 'tsx/esm/api';

const SERVER_COMMANDS = new Set(['serve', 'keys']);
const command = process.argv[2];

if (command !== undefined && SERVER_COMMANDS.has(command)) {
  try {
    // The server's bin reads process.argv itself and registers tsx for its sources.
    await import('../../server/bin/steward.mjs');
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('server/bin/steward.mjs')) throw error;
    process.stderr.write(`steward ${command} runs the server, which is not installed beside this CLI (packages/server).\n`);
    process.exit(2);
  }
} else {
  register();
  await import('../src/main.ts');
}
