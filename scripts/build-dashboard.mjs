#!/usr/bin/env node
// Builds the dashboard (packages/dashboard → packages/dashboard/dist) when it is missing or its
// sources changed since the last build; `--force` builds anyway. A hash of every source file the
// bundle is made of is kept beside the build, so a fresh clone (whose files all have new mtimes)
// and an edited checkout are told apart by content, not by dates.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dashboard = join(root, 'packages', 'dashboard');
const dist = join(dashboard, 'dist');
const stamp = join(dist, '.source-hash');
const say = (text) => process.stderr.write(`[dashboard] ${text}\n`);

/** The bundle's inputs: the dashboard, and the SDK and protocol sources it imports. */
const INPUTS = [
  join(dashboard, 'index.html'),
  join(dashboard, 'vite.config.ts'),
  join(dashboard, 'package.json'),
  join(dashboard, 'src'),
  join(root, 'packages', 'client', 'src'),
  join(root, 'packages', 'protocol', 'src'),
  join(root, 'package-lock.json'),
];

function filesUnder(path) {
  if (!existsSync(path)) return [];
  try {
    return readdirSync(path, { withFileTypes: true }).flatMap((entry) => filesUnder(join(path, entry.name)));
  } catch {
    return [path];
  }
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesUnder).sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const wanted = sourceHash();
const built = existsSync(join(dist, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted;
if (built && !process.argv.includes('--force')) process.exit(0);

say('building the web dashboard (vite, a few seconds)');
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const result = spawnSync(process.execPath, [vite, 'build', '--config', join(dashboard, 'vite.config.ts')], { cwd: dashboard, stdio: 'inherit' });
if (result.status !== 0) {
  say(`the build failed (exit ${result.status ?? result.signal}); the API still works, the dashboard at / does not.`);
  process.exit(1);
}
writeFileSync(stamp, `${wanted}\n`);
