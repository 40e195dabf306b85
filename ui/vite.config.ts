import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// A plain SPA loaded by Tauri from ui/dist through its custom protocol: relative asset paths,
// no inline module preload polyfill (the CSP forbids inline scripts).
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  base: "./",
  clearScreen: false,
  // Matches tauri.conf.json's devUrl.
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  // Component tests (vitest runs in mode "test") mount Svelte's browser build in jsdom.
  resolve: mode === "test" ? { conditions: ["browser"] } : undefined,
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    // The stylesheet as written (its colours are tested: src/lib/contrast.test.ts).
    css: { include: [/app\.css/] },
  },
}));
