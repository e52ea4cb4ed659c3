// Builds the dashboard SPA into dist/, which the core serves at `/`.
// `npx vite` runs a dev server that forwards the API to a local core.
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

const core = process.env.BORELA_CORE_URL ?? "http://127.0.0.1:8787";

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    host: "127.0.0.1",
    proxy: { "/api": core, "/badge": core, "/docs": core },
  },
});
