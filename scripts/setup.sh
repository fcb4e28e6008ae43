#!/usr/bin/env bash
# `npm run setup`: everything a fresh machine needs before `npm test`.
# Installs packages, generates the Prisma clients (SQLite and PostgreSQL flavours), migrates the
# SQLite database, installs Chromium for the browser tests when missing, and builds the app.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== npm packages"
# `npm ci`: exactly the committed lock file (which lists every platform's optional packages), so a fresh
# clone installs the same tree everywhere and set-up leaves `git status` clean.
npm ci --no-audit --no-fund

echo "== Prisma clients and database"
export DATABASE_URL="${DATABASE_URL:-file:./prisma/dev.sqlite}"
npx prisma generate
node --import tsx scripts/prisma-postgres.ts generate
case "$DATABASE_URL" in
  postgres*) node --import tsx scripts/prisma-postgres.ts deploy ;;
  *) npx prisma migrate deploy ;;
esac

echo "== Chromium (browser tests)"
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then
  echo "using $CHROMIUM_PATH"
elif command -v chromium >/dev/null 2>&1; then
  echo "found $(command -v chromium)"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium is missing: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH" >&2
fi

echo "== build"
npx remix vite:build
echo "setup done: run npm test"
