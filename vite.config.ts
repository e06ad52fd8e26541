import { defineConfig } from 'vite';

// The web app: React, built into dist/web and served by Castellan's own HTTP server (same origin).
export default defineConfig({
  root: 'src/web',
  base: '/',
  publicDir: false,
  esbuild: { jsx: 'automatic' },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
