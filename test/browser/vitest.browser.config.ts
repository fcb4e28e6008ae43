// Runs the real-browser tests alone until the "browser" project is added to vitest.config.ts:
//   npx vitest run --config test/browser/vitest.browser.config.ts
// (SKIP_BUILD=1 after `npx remix vite:build` skips the build in the global setup.)
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  root: new URL("../..", import.meta.url).pathname,
  test: {
    name: "browser",
    include: ["test/browser/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
