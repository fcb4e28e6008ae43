// Prisma CLI configuration. Prisma's Rust engines cannot be downloaded everywhere (nor here), so the CLI
// runs on the WASM schema engine through the same driver adapter the app uses.
// Note: once this file exists the CLI no longer loads .env, hence the default below; without a
// DATABASE_URL `prisma generate` would fall back to downloading an engine.
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

process.env.DATABASE_URL ??= "file:./prisma/dev.sqlite";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite" });
  },
});
