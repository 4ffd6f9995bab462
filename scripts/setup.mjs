#!/usr/bin/env node
// Sets up what `npm start` / `npm test` need on a fresh machine, using only Node built-ins:
// npm dependencies, the web dashboard's build, Debian's Chromium, and (for start) nothing else: the server creates its data
// dir and first API key itself. Safe to run every time: each step is skipped when already done.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const purpose = process.argv.includes('--for') ? process.argv[process.argv.indexOf('--for') + 1] : 'start';
const say = (text) => process.stderr.write(`[setup] ${text}\n`);

function run(command, args, options = {}) {
  say(`running: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    say(`'${command} ${args.join(' ')}' failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12)) {
    say(`Node ${process.versions.node} is too old: Steward needs Node 20.12 or newer.`);
    process.exit(1);
  }
}

/** Dependencies are installed when every direct dependency resolves and the native SQLite binding loads. */
function dependenciesReady() {
  const lock = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(lock)) return false;
  const wanted = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  const installed = JSON.parse(readFileSync(lock, 'utf8')).packages ?? {};
  for (const [path, info] of Object.entries(wanted)) {
    if (!path.startsWith('node_modules/') || info.optional) continue;
    if (installed[path]?.version !== info.version) return false;
  }
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd: join(root, 'packages', 'server'),
    stdio: 'ignore',
  });
  return probe.status === 0;
}

/**
 * Node's own headers, when they are installed beside it and match the running version: node-gyp
 * then builds better-sqlite3 against them instead of downloading them (a machine without
 * internet access has no other way). A configured nodedir wins.
 */
function localNodeHeaders() {
  if (process.env.npm_config_nodedir) return undefined;
  const prefix = join(dirname(process.execPath), '..');
  try {
    const header = readFileSync(join(prefix, 'include', 'node', 'node_version.h'), 'utf8');
    const part = (name) => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(header)?.[1];
    const version = `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
    return version === process.versions.node ? prefix : undefined;
  } catch {
    return undefined;
  }
}

function ensureDependencies() {
  if (dependenciesReady()) return;
  say('installing npm dependencies (better-sqlite3 may compile from source: about a minute)');
  const nodedir = localNodeHeaders();
  const env = nodedir === undefined ? process.env : { ...process.env, npm_config_nodedir: nodedir };
  run('npm', existsSync(join(root, 'package-lock.json')) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], { env });
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function ensureChromium() {
  const path = process.env.STEWARD_CHROMIUM_PATH || '/usr/bin/chromium';
  if (isExecutable(path)) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = isExecutable('/usr/bin/apt-get');
  if (path === '/usr/bin/chromium' && isRoot && hasApt) {
    say("Chromium is missing: installing Debian's chromium package (about 20 s)");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', 'chromium'], { env });
    if (isExecutable(path)) return;
  }
  say(`Chromium was not found at ${path}.`);
  say(isRoot || !hasApt
    ? 'Install Chromium (on Debian: apt-get install -y chromium) or set STEWARD_CHROMIUM_PATH to a Chromium binary.'
    : 'Install it as root: sudo apt-get install -y chromium — or set STEWARD_CHROMIUM_PATH to a Chromium binary.');
  process.exit(1);
}

/**
 * The browser runs in a network namespace of its own (STEWARD_BROWSER_NETWORK_NAMESPACE, on by
 * default): util-linux brings unshare and nsenter on every Debian machine; `ip` (iproute2) raises
 * the namespace's loopback and is missing from minimal images.
 */
function ensureNetworkTools() {
  if (process.env.STEWARD_BROWSER_NETWORK_NAMESPACE === 'off') return;
  const found = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((dir) => isExecutable(join(dir, 'ip')));
  if (found) return;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && isExecutable('/usr/bin/apt-get')) {
    say("'ip' is missing: installing Debian's iproute2 package (the browser's network namespace needs it)");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', 'iproute2'], { env });
    return;
  }
  say("'ip' (iproute2) was not found: the browser's network namespace needs it.");
  say(isRoot ? 'Install it (on Debian: apt-get install -y iproute2).' : 'Install it as root: sudo apt-get install -y iproute2.');
  say('Or set STEWARD_BROWSER_NETWORK_NAMESPACE=off to run without it (WebRTC UDP from pages is then not contained).');
  process.exit(1);
}

/** The web dashboard the server serves at /, built when missing or stale (scripts/build-dashboard.mjs). */
function ensureDashboard() {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build-dashboard.mjs')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(1);
}

/**
 * The cluster tests run on real PostgreSQL and Redis (each test starts its own server or cluster):
 * Debian's packages, installed for `npm test` when absent and we are root; they do not start on
 * install, and nothing here starts them.
 */
function ensureTestServers() {
  const missing = [
    ['redis-server', ['/usr/bin/redis-server']],
    ['postgresql', ['/usr/bin/pg_lsclusters']],
  ].filter(([, paths]) => !paths.some(isExecutable)).map(([name]) => name);
  if (missing.length === 0) return;
  if (process.getuid?.() === 0 && isExecutable('/usr/bin/apt-get')) {
    say(`installing Debian's ${missing.join(' and ')} for the cluster tests (seconds; they are not started)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', ...missing], { env });
    return;
  }
  say(`the cluster tests need ${missing.join(' and ')}: install ${missing.length > 1 ? 'them' : 'it'} as root (apt-get install -y ${missing.join(' ')}).`);
  process.exit(1);
}

checkNode();
ensureDependencies();
ensureDashboard();
if (purpose === 'test') ensureTestServers();
ensureChromium();
ensureNetworkTools();
if (purpose === 'test') say('ready to test');
