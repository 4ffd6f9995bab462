// Runs inside the browser's network namespace (started by network-namespace.ts through
// `unshare`). Its one job: open listening TCP sockets on this namespace's loopback and hand them
// to the server over the IPC channel, so the server's egress proxy accepts Chromium's
// connections while every connection the proxy makes starts from the host's network.
// Plain JavaScript on purpose: it starts with `node` alone, in tens of milliseconds.
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';

process.on('message', (message) => {
  if (message === null || typeof message !== 'object' || message.type !== 'listen') return;
  const server = createServer();
  server.once('error', (error) => process.send({ type: 'failed', id: message.id, reason: error.message }));
  server.listen(0, '127.0.0.1', () => {
    // Once sent, the server owns its copy; ours is closed so this process accepts nothing.
    process.send({ type: 'listening', id: message.id }, server, () => server.close());
  });
});
// The server went away (even by SIGKILL): nothing is left holding the namespace open.
process.on('disconnect', () => process.exit(0));
// The server checks that loopback is all there is before trusting the namespace.
process.send({ type: 'ready', interfaces: Object.keys(networkInterfaces()) });
