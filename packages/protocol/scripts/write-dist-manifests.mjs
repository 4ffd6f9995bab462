// After tsc: dist/cjs sits inside a "type": "module" package, so its own package.json marks its
// .js (and .d.ts) as CommonJS; dist/package.json is the manifest of the built package (what a
// registry or another repository installs), pointing import at ESM and require at CJS, each with
// its declarations. The manifest in the folder above stays on src/ for this repository's tools.
import { readFileSync, writeFileSync } from 'node:fs';

const source = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
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
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
writeFileSync(new URL('../dist/package.json', import.meta.url), `${JSON.stringify(built, null, 2)}\n`);
