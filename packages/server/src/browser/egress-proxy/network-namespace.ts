import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A network namespace for Chromium whose only interface is its own loopback. Nothing a page does
 * — UDP (WebRTC, QUIC), TCP that ignores the proxy settings, DNS — has a route out of it. The one
 * way out is the egress proxy: its listeners are sockets bound on the namespace's loopback (opened
 * by a small holder process inside it and handed to this process), while the proxy itself runs,
 * resolves and connects in the server's own namespace.
 */
export interface BrowserNetworkNamespace {
  /** A server listening on 127.0.0.1 inside the namespace; connections to it are accepted here. */
  listen(): Promise<Server>;
  /** An executable that runs `executablePath` inside the namespace, passing its arguments on. */
  launcher(executablePath: string): string;
  /** Called once if the holder exits before `close()`: no new listener can be opened after that. */
  onExit(listener: (reason: string) => void): void;
  /** Ends the holder and removes the launchers. Idempotent. */
  close(): Promise<void>;
}

export class NetworkNamespaceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkNamespaceError';
  }
}

export interface NetworkNamespaceOptions {
  /** How long the holder may take to start and to open a listener. */
  timeoutMs?: number | undefined;
}

const HOLDER = fileURLToPath(new URL('./namespace-holder.mjs', import.meta.url));
const HOW_TO_FIX =
  'The browser runs in a network namespace of its own so that only the egress proxy can reach the network. ' +
  'It needs util-linux (unshare, nsenter) and iproute2 (apt-get install -y iproute2), and, when not running as root, ' +
  'unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 or user.max_user_namespaces > 0). ' +
  'STEWARD_BROWSER_NETWORK_NAMESPACE=off runs without it, and then UDP from pages (WebRTC) is not contained.';

function findTool(name: string): string {
  for (const dir of ['/usr/bin', '/usr/sbin', '/bin', '/sbin']) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // try the next folder
    }
  }
  throw new NetworkNamespaceError(`'${name}' was not found. ${HOW_TO_FIX}`);
}

const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * Starts the holder in a new network namespace (as root: a network namespace; otherwise inside
 * a user namespace that maps only the current user, so Chromium keeps its own sandbox) and checks
 * that loopback is its only interface. Throws `NetworkNamespaceError`, saying how to fix it, when
 * the machine cannot provide one.
 */
export async function startNetworkNamespace(options: NetworkNamespaceOptions = {}): Promise<BrowserNetworkNamespace> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const unshare = findTool('unshare');
  const nsenter = findTool('nsenter');
  const ip = findTool('ip');
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const isRoot = uid === 0;
  // `--keep-caps` lets `ip`, running as the mapped user, still raise loopback in the new namespace.
  const namespaces = isRoot ? ['--net'] : ['--user', `--map-user=${uid}`, `--map-group=${gid}`, '--keep-caps', '--net'];
  const holder = spawn(
    unshare,
    [...namespaces, '--', '/bin/sh', '-c', `${shellQuote(ip)} link set lo up && exec "$0" "$@"`, process.execPath, HOLDER],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let stderr = '';
  holder.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4_000) stderr += chunk;
  });
  const exited = new Promise<string>((resolve) => {
    holder.once('exit', (code, signal) => resolve(`exit ${code ?? signal}${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`));
    holder.once('error', (error) => resolve(error.message));
  });

  const ready = await Promise.race([
    nextMessage(holder, (message) => message.type === 'ready'),
    exited.then((reason) => new NetworkNamespaceError(`Could not create the browser's network namespace (${reason}). ${HOW_TO_FIX}`)),
    delay(timeoutMs).then(() => new NetworkNamespaceError(`The browser's network namespace did not start within ${timeoutMs} ms. ${HOW_TO_FIX}`)),
  ]);
  const outside = ready instanceof Error ? [] : (ready.message.interfaces ?? ['unknown']).filter((name) => name !== 'lo');
  if (ready instanceof Error || outside.length > 0) {
    holder.kill('SIGKILL');
    throw ready instanceof Error ? ready : new NetworkNamespaceError(`The browser's network namespace has interfaces besides loopback: ${outside.join(', ')}.`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'steward-netns-'));
  const enter = isRoot ? ['--target', String(holder.pid), '--net'] : ['--target', String(holder.pid), '--user', '--net', '--preserve-credentials'];
  const launchers = new Map<string, string>();
  let closed = false;
  let sequence = 0;
  const exitListeners: Array<(reason: string) => void> = [];
  void exited.then((reason) => {
    if (closed) return;
    for (const listener of exitListeners) listener(reason);
  });

  return {
    async listen() {
      if (closed || holder.exitCode !== null || !holder.connected) throw new NetworkNamespaceError("The browser's network namespace is gone.");
      const id = ++sequence;
      const answer = nextMessage(holder, (message) => message.id === id);
      holder.send({ type: 'listen', id });
      const result = await Promise.race([
        answer,
        exited.then((reason) => new NetworkNamespaceError(`The browser's network namespace ended (${reason}).`)),
        delay(timeoutMs).then(() => new NetworkNamespaceError('The network namespace did not open a listener in time.')),
      ]);
      if (result instanceof Error) throw result;
      if (result.message.type !== 'listening' || result.handle === undefined) {
        throw new NetworkNamespaceError(`The network namespace could not open a listener: ${String(result.message.reason)}`);
      }
      return result.handle;
    },
    launcher(executablePath) {
      let path = launchers.get(executablePath);
      if (path === undefined) {
        path = join(dir, `browser-${launchers.size + 1}`);
        const command = [nsenter, ...enter, '--', executablePath].map(shellQuote).join(' ');
        writeFileSync(path, `#!/bin/sh\nexec ${command} "$@"\n`, { mode: 0o700 });
        launchers.set(executablePath, path);
      }
      return path;
    },
    onExit(listener) {
      exitListeners.push(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (holder.exitCode === null) {
        holder.kill('SIGTERM');
        await Promise.race([exited, delay(2_000)]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface HolderMessage {
  type: string;
  id?: number;
  reason?: string;
  interfaces?: string[];
}

function nextMessage(child: ChildProcess, wanted: (message: HolderMessage) => boolean): Promise<{ message: HolderMessage; handle: Server | undefined }> {
  return new Promise((resolve) => {
    const onMessage = (message: HolderMessage, handle: unknown): void => {
      if (message === null || typeof message !== 'object' || !wanted(message)) return;
      child.off('message', onMessage);
      resolve({ message, handle: handle as Server | undefined });
    };
    child.on('message', onMessage);
  });
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
