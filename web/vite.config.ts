import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The kernel serves dist/ at "/" with an SPA fallback, so assets must use
// absolute /assets/... URLs (Vite's default base '/').
export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev`: forward API calls to a locally running kernel.
    proxy: { '/api': process.env.WANGBAN_URL || 'http://127.0.0.1:18080' },
  },
});
