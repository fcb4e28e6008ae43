// Prisma CLI configuration for the PostgreSQL flavour (prisma/postgresql/schema.prisma, derived by
// scripts/prisma-postgres.ts). Used for `generate` and `migrate diff`; migrations are applied by that script.
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The CLI resolves the schema's env("DATABASE_URL") even for `generate`; a SQLite URL here (the app's
// default) would send it looking for a Rust engine download. Only a PostgreSQL URL is meaningful.
if (!process.env.DATABASE_URL?.startsWith("postgres")) process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/postgresql/schema.prisma",
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
