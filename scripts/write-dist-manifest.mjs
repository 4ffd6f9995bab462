// After tsc in a workspace package (run from its folder): dist/cjs sits inside a "type": "module"
// package, so its own package.json marks its .js (and .d.ts) as CommonJS; dist/package.json is
// the manifest of the built package (what a registry or another repository installs), pointing
// import at ESM and require at CJS, each with its declarations. The package's own manifest stays
// on src/ for this repository's tools (tsx, vitest, tsc), so nothing here needs a build first.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.cwd();
const source = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const built = {
  name: source.name,
  version: source.version,
  description: source.description,
  type: 'module',
  engines: source.engines,
  sideEffects: false,
  main: './cjs/index.js',
  module: './esm/index.js',
  types: './esm/index.d.ts',
  exports: {
    '.': {
      import: { types: './esm/index.d.ts', default: './esm/index.js' },
      require: { types: './cjs/index.d.ts', default: './cjs/index.js' },
    },
    './package.json': './package.json',
  },
  dependencies: source.dependencies,
};
writeFileSync(join(dir, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
writeFileSync(join(dir, 'dist/package.json'), `${JSON.stringify(built, null, 2)}\n`);
// What a reader of the published package looks for first.
for (const doc of ['README.md', 'api.md']) if (existsSync(join(dir, doc))) copyFileSync(join(dir, doc), join(dir, 'dist', doc));
