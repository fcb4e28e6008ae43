// Prisma CLI configuration for the PostgreSQL flavour (prisma/postgresql/schema.prisma, derived by
// scripts/prisma-postgres.ts). Used for `generate` and `migrate diff`; migrations are applied by that script.
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/test";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/postgresql/schema.prisma",
  async adapter() {
    const url = process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : "postgresql://postgres@127.0.0.1:5432/test";
    return new PrismaPg({ connectionString: url });
  },
});
