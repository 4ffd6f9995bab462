import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { EgressPolicy } from '../../src/safety/egress-policy.ts';
import { chromiumProcesses } from './chromium-processes.ts';
import { startCountingServer, type CountingServer } from './egress-servers.ts';

// A trap on several loopback addresses, listening on TCP and UDP at the same ports, counts every
// datagram and every connection. A page on the one allowed origin tries everything WebRTC can
// do: STUN, TURN over UDP and TCP, `localhost`, IPv6, a data channel to a peer in the same page
// (host candidates) and an offer to a remote peer that claims to be at the trap.
const TRAP_HOSTS = ['127.0.0.1', '127.0.0.2', '::1'];

interface Trap {
  ports: number[];
  readonly datagrams: number;
  readonly connections: number;
  close(): Promise<void>;
}

async function startTrap(portCount: number): Promise<Trap> {
  const udp: UdpSocket[] = [];
  const tcp: Server[] = [];
  const sockets = new Set<Socket>();
  const counts = { datagrams: 0, connections: 0 };
  const ports: number[] = [];
  // The first address picks a free port; the others bind the same one (retrying on a clash).
  while (ports.length < portCount) {
    const opened: Array<UdpSocket | Server> = [];
    try {
      const first = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        first.once('error', reject);
        first.bind(0, TRAP_HOSTS[0], () => resolve());
      });
      opened.push(first);
      const port = first.address().port;
      for (const host of TRAP_HOSTS.slice(1)) {
        const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(port, host, () => resolve());
        });
        opened.push(socket);
      }
      for (const host of TRAP_HOSTS) {
        const server = createServer((socket) => {
          counts.connections++;
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve());
        });
        opened.push(server);
      }
      for (const item of opened) {
        if ('send' in item) {
          item.on('message', () => counts.datagrams++);
          udp.push(item);
        } else tcp.push(item);
      }
      ports.push(port);
    } catch {
      for (const item of opened) item.close();
    }
  }
  return {
    ports,
    get datagrams() {
      return counts.datagrams;
    },
    get connections() {
      return counts.connections;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      for (const socket of udp) socket.close();
      await Promise.all(tcp.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

function webrtcPage(ports: number[]): string {
  const [stun, turnUdp, turnTcp] = ports;
  return `<title>starting</title><script>
  (async () => {
    const candidates = [];
    const servers = [
      { urls: ['stun:127.0.0.1:${stun}', 'stun:127.0.0.2:${stun}', 'stun:[::1]:${stun}', 'stun:localhost:${stun}'] },
      { urls: ['turn:127.0.0.1:${turnUdp}?transport=udp', 'turn:[::1]:${turnUdp}?transport=udp', 'turn:127.0.0.2:${turnUdp}?transport=udp'], username: 'u', credential: 'p' },
      { urls: ['turn:127.0.0.1:${turnTcp}?transport=tcp', 'turn:127.0.0.2:${turnTcp}?transport=tcp', 'turns:localhost:${turnTcp}?transport=tcp'], username: 'u', credential: 'p' },
    ];
    const a = new RTCPeerConnection({ iceServers: servers });
    const b = new RTCPeerConnection({ iceServers: servers });
    a.onicecandidate = (e) => { if (e.candidate) { candidates.push(e.candidate.candidate); b.addIceCandidate(e.candidate).catch(() => {}); } };
    b.onicecandidate = (e) => { if (e.candidate) a.addIceCandidate(e.candidate).catch(() => {}); };
    const channel = a.createDataChannel('probe');
    channel.onopen = () => channel.send('x'.repeat(1000));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    // A remote peer that says it is at the trap: connectivity checks would go straight to it.
    const c = new RTCPeerConnection({ iceServers: servers });
    c.createDataChannel('remote');
    await c.setLocalDescription(await c.createOffer());
    for (const [host, port] of [['127.0.0.1', ${stun}], ['127.0.0.2', ${turnUdp}], ['::1', ${turnTcp}]]) {
      await c.addIceCandidate({ candidate: 'candidate:1 1 udp 2122260223 ' + host + ' ' + port + ' typ host', sdpMid: '0', sdpMLineIndex: 0 }).catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 4000));
    document.title = 'done ' + candidates.length;
  })().catch((error) => { document.title = 'failed ' + error.message; });
</script>`;
}

let site: CountingServer;
let trap: Trap;

beforeAll(async () => {
  trap = await startTrap(3);
  site = await startCountingServer('127.0.0.1', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
    res.end(webrtcPage(trap.ports));
  });
});

afterAll(async () => {
  await Promise.all([site?.close(), trap?.close()]);
  expect(chromiumProcesses()).toEqual([]);
});

async function runProbe(pool: PlaywrightBrowserPool): Promise<string> {
  let session: SessionBrowser | undefined;
  try {
    session = await pool.acquire({ sessionId: `webrtc-${Math.random().toString(36).slice(2)}` });
    await session.navigate(`${site.origin}/`);
    const deadline = Date.now() + 20_000;
    let title = '';
    while (Date.now() < deadline) {
      title = (await session.pageInfo()).title;
      if (title.startsWith('done') || title.startsWith('failed')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Stragglers: retransmitted STUN/TURN requests arrive over the next second.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return title;
  } finally {
    await session?.close();
    await pool.close();
  }
}

const poolWith = (networkNamespace: boolean): PlaywrightBrowserPool =>
  createPlaywrightBrowserPool({
    warmContexts: 0,
    egress: { policy: new EgressPolicy({ allow: [`127.0.0.1:${site.port}`] }), networkNamespace },
  });

describe('WebRTC cannot walk past the egress firewall', () => {
  it('sends no datagram and opens no connection to any loopback address from inside the network namespace', async () => {
    const title = await runProbe(poolWith(true));
    // The page ran to the end: WebRTC itself works, it just has no way out.
    expect(title).toMatch(/^done \d+$/);
    expect({ datagrams: trap.datagrams, connections: trap.connections }).toEqual({ datagrams: 0, connections: 0 });
  }, 60_000);

  it('is a trap that catches what the proxy settings alone let through (the namespace is what stops it)', async () => {
    const title = await runProbe(poolWith(false));
    expect(title).toMatch(/^done \d+$/);
    expect(trap.datagrams).toBeGreaterThan(0);
  }, 60_000);
});
