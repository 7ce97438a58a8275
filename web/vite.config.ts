import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

// The API server serves web/dist at `/`; in development, `vite --config web/vite.config.ts`
// proxies the API to a server started separately (X3BRIDGE_API_URL, default localhost:3000).
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      '/v1': process.env.X3BRIDGE_API_URL ?? 'http://127.0.0.1:3000',
      '/demo-key': process.env.X3BRIDGE_API_URL ?? 'http://127.0.0.1:3000',
    },
  },
});
