import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Preact's JSX through Vite's own transform (no plugin): the automatic runtime from `preact`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Served with `immutable` cache headers: the hashed names change with the content.
    assetsDir: 'assets',
    reportCompressedSize: false,
  },
});
