/**
 * Vite build of the web console: Preact (JSX through Vite's own transform), served by the API at
 * /console/ (same origin), everything bundled into content-hashed files so it works offline.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/console/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // ECharts is the bulk; it is loaded with the page that draws charts, not with sign-in.
    chunkSizeWarningLimit: 900,
    reportCompressedSize: true,
  },
  logLevel: "warn",
});
