// Runs the double's and the generator's tests without the app's integration setup (no build, no
// database, no Redis needed):  npx vitest run --config testkit/admin-api-double/vitest.config.ts
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root,
  plugins: [tsconfigPaths({ root })],
  test: {
    include: [
      "test/integration/admin-api-double.test.ts",
      "test/integration/admin-api-double-writes.test.ts",
      "test/integration/admin-api-double-bulk.test.ts",
      "test/integration/admin-gateway.test.ts",
      "test/unit/synthetic-shop.test.ts",
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
