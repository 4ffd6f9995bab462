import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { SocksClient } from 'socks';
import { errorMessage } from '../../util/abort.ts';
import { connectTo, withDeadline } from './connect-to.ts';

/**
 * A session's own upstream proxy (`AcquireOptions.upstreamProxy`), parsed. `label` names it in
 * errors and logs: scheme, host and port, never the credentials.
 */
export interface UpstreamProxy {
  kind: 'http' | 'socks5';
  /** URL hostname: a name, an IPv4 literal or a bracketed IPv6 literal. */
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
  label: string;
}

/** The upstream proxy URL is malformed. The message never contains the credentials. */
export class UpstreamProxyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamProxyError';
  }
}

const DEFAULT_PORTS = { http: 80, socks5: 1080 } as const;

/**
 * `http://[user:pass@]host:port`, `socks5://…` or `socks5h://…`. `socks5h` (resolve at the proxy)
 * is accepted as a synonym of `socks5`: the firewall always resolves and checks the name itself
 * and hands the proxy the checked address, so the proxy never resolves anything.
 * No `https://` (TLS to the proxy): the traffic of https sites is TLS inside the tunnel anyway.
 */
export function parseUpstreamProxy(text: string): UpstreamProxy {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new UpstreamProxyError('the upstream proxy is not a valid URL', { cause: error });
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const kind = scheme === 'http' ? 'http' : scheme === 'socks5' || scheme === 'socks5h' ? 'socks5' : undefined;
  if (kind === undefined) throw new UpstreamProxyError(`upstream proxy scheme ${scheme}: is not supported (http, socks5, socks5h)`);
  if (url.hostname === '') throw new UpstreamProxyError('the upstream proxy URL has no host');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new UpstreamProxyError('the upstream proxy URL must be scheme://[user:pass@]host:port, nothing after the port');
  }
  // WHATWG URL drops a port equal to the scheme's default (`http://proxy:80`), hence the fallback.
  const port = url.port === '' ? DEFAULT_PORTS[kind] : Number(url.port);
  const decode = (part: string): string | undefined => {
    if (part === '') return undefined;
    try {
      return decodeURIComponent(part);
    } catch (error) {
      throw new UpstreamProxyError('the upstream proxy credentials are not valid percent-encoding', { cause: error });
    }
  };
  return {
    kind,
    host: url.hostname,
    port,
    username: decode(url.username),
    password: decode(url.password),
    label: `${scheme}://${url.hostname}:${port}`,
  };
}

/** `host:port` for a request line or SOCKS destination, IPv6 in brackets. */
function authorityOf(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/**
 * Opens a tunnel to `target` through `proxy`, reached at `proxyAddress` (the address the
 * firewall checked for the proxy). `target.address` is the IP the firewall checked for the
 * destination: the proxy is told that IP, never the name, so its own DNS is never asked and a
 * rebinding answer there cannot redirect the browser. TLS still names the site: the browser
 * speaks TLS (SNI, certificate checks) end to end inside the tunnel.
 *
 * HTTP proxies get CONNECT for every request, plain http included. The alternative for plain
 * http, an absolute-form request, would have to name the IP in the request line
 * (`GET http://203.0.113.7/…`), and a proxy then rewrites `Host` from it (RFC 9112 §3.2.2), which
 * breaks every virtual host; naming the host instead would hand the proxy the DNS lookup. The
 * cost: a proxy that allows CONNECT only to port 443 refuses plain-http sites.
 */
export async function openUpstreamTunnel(
  proxy: UpstreamProxy,
  proxyAddress: string,
  target: { address: string; port: number },
  timeoutMs: number,
  onSocket: (socket: Socket) => void,
): Promise<Socket> {
  let socket: Socket | undefined;
  try {
    const connected = await connectTo(proxyAddress, proxy.port, timeoutMs, onSocket);
    socket = connected;
    // One deadline for the handshake, whatever the proxy does (or does not) answer.
    const stop = withDeadline(connected, timeoutMs, `no answer within ${timeoutMs} ms`);
    const tunnel = proxy.kind === 'http' ? await httpConnect(connected, proxy, target) : await socksConnect(connected, proxy, target);
    stop();
    return tunnel;
  } catch (error) {
    socket?.destroy();
    throw new Error(`upstream proxy ${proxy.label}: ${errorMessage(error)}`, { cause: error });
  }
}

function httpConnect(socket: Socket, proxy: UpstreamProxy, target: { address: string; port: number }): Promise<Socket> {
  const authority = authorityOf(target.address, target.port);
  const headers: Record<string, string> = { host: authority };
  if (proxy.username !== undefined || proxy.password !== undefined) {
    const basic = Buffer.from(`${proxy.username ?? ''}:${proxy.password ?? ''}`, 'utf8').toString('base64');
    headers['proxy-authorization'] = `Basic ${basic}`;
  }
  return new Promise((resolve, reject) => {
    // node's HTTP parser reads the proxy's answer; `createConnection` hands it our pinned socket
    // (no `agent`, which would open a connection of its own).
    const req = httpRequest({ method: 'CONNECT', path: authority, headers, createConnection: () => socket });
    req.once('connect', (res, tunnel, head) => {
      if (res.statusCode !== 200) {
        tunnel.destroy();
        reject(new Error(`answered ${res.statusCode ?? '?'} ${res.statusMessage ?? ''} to CONNECT ${authority}`.trimEnd()));
        return;
      }
      // Bytes the proxy sent after its answer belong to the tunnel.
      if (head.length > 0) tunnel.unshift(head);
      resolve(tunnel);
    });
    // A proxy that answers a CONNECT with anything but a CONNECT answer (or closes) ends here.
    req.once('response', (res) => {
      res.resume();
      reject(new Error(`answered ${res.statusCode ?? '?'} without a tunnel to ${authority}`));
    });
    req.once('error', reject);
    req.end();
  });
}

async function socksConnect(socket: Socket, proxy: UpstreamProxy, target: { address: string; port: number }): Promise<Socket> {
  const { socket: tunnel } = await SocksClient.createConnection({
    command: 'connect',
    // Already connected to the checked address; `host`/`port` here are only for the library's checks.
    existing_socket: socket,
    proxy: {
      host: proxy.host.replace(/^\[(.*)\]$/, '$1'),
      port: proxy.port,
      type: 5,
      ...(proxy.username === undefined ? {} : { userId: proxy.username }),
      ...(proxy.password === undefined ? {} : { password: proxy.password }),
    },
    // An IP literal: the proxy connects to it without resolving anything.
    destination: { host: target.address, port: target.port },
  });
  return tunnel;
}
