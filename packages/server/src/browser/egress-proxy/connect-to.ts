import { connect, type Socket } from 'node:net';

/**
 * A TCP connection to `address:port`, resolved once connected. `onSocket` sees the socket as soon
 * as it exists (so the caller can drop it with its other connections). Rejects on error or after
 * `timeoutMs` without a connection.
 */
export function connectTo(address: string, port: number, timeoutMs: number, onSocket: (socket: Socket) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port });
    onSocket(socket);
    const stop = withDeadline(socket, timeoutMs, `no connection within ${timeoutMs} ms`);
    // Left attached once connected: settling twice is a no-op, and it keeps a late error from going unheard.
    socket.on('error', reject);
    socket.once('connect', () => {
      stop();
      resolve(socket);
    });
  });
}

/** Destroys `socket` with `message` after `ms` of silence, until the returned function is called. */
export function withDeadline(socket: Socket, ms: number, message: string): () => void {
  const expire = (): void => {
    socket.destroy(new Error(message));
  };
  socket.setTimeout(ms);
  socket.once('timeout', expire);
  return () => {
    socket.setTimeout(0);
    socket.off('timeout', expire);
  };
}
