import type { LookupFunction } from 'node:net';
import WebSocket from 'ws';
import type { ConnectOverCDPTransport } from 'playwright-core';

/** Largest DevTools message accepted (a full-page screenshot of a tall page is tens of MB). */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/**
 * A DevTools WebSocket to exactly `address`, whatever the URL's host resolves to now, following
 * no redirect: what the egress policy checked is what is reached. Playwright's own connection
 * would resolve the host again and follow redirects. For `ws://` the URL's host becomes the
 * address (Chromium answers DevTools only to an IP or localhost `Host`); for `wss://` the host
 * stays the TLS name and only the lookup is pinned.
 */
export function openPinnedCdpTransport(url: URL, address: string, timeoutMs: number): Promise<ConnectOverCDPTransport> {
  const family = address.includes(':') ? 6 : 4;
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) (callback as unknown as (e: null, all: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const target = new URL(url.href);
  if (url.protocol === 'ws:') target.hostname = family === 6 ? `[${address}]` : address;
  const socket = new WebSocket(target.href, {
    lookup: pinned,
    followRedirects: false,
    handshakeTimeout: timeoutMs,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  });
  return new Promise((resolve, reject) => {
    const failed = (error: Error): void => {
      socket.terminate();
      reject(error);
    };
    socket.once('error', failed);
    socket.once('unexpected-response', (_request, response) => failed(new Error(`the DevTools address answered HTTP ${response.statusCode} instead of a WebSocket`)));
    socket.once('open', () => {
      socket.off('error', failed);
      const transport: ConnectOverCDPTransport = {
        send: (message) => socket.send(JSON.stringify(message)),
        close: () => socket.close(),
      };
      socket.on('message', (data) => transport.onmessage?.(JSON.parse(data.toString()) as object));
      socket.on('close', (code, reason) => transport.onclose?.(reason.toString() || `closed (${code})`));
      // Errors after the handshake end in 'close', which tells Playwright.
      socket.on('error', () => undefined);
      resolve(transport);
    });
  });
}
