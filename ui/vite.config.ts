/**
 * Builds the dashboard into dist/ui, which the gateway serves under /ui (`npm run build:ui`).
 * The dev server proxies /admin to a running gateway (UNDERSTUDY_GATEWAY_URL, default http://127.0.0.1:4141).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const uiRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: uiRoot,
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/admin': process.env.UNDERSTUDY_GATEWAY_URL ?? 'http://127.0.0.1:4141' },
  },
});
