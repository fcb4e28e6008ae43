-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "currencyMismatch" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "RedactedOrder" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "redactedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RedactedOrder_pkey" PRIMARY KEY ("shop","id")
);
