-- Orders named by customers/redact stay redacted whatever later deliveries carry.
CREATE TABLE "RedactedOrder" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "redactedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "id")
);

-- Shop money in another currency than the shop's: stored, never counted. (Written by hand: `prisma migrate
-- diff` copies the whole Order table to add a column; SQLite adds one with a constant default in place.)
ALTER TABLE "Order" ADD COLUMN "currencyMismatch" BOOLEAN NOT NULL DEFAULT false;
