-- AlterTable
ALTER TABLE "Order" ADD COLUMN "discountCodes" TEXT;
ALTER TABLE "Order" ADD COLUMN "subtotalMinor" BIGINT;

-- CreateIndex
CREATE INDEX "CustomerValue_shop_probabilityOrder12m_customerId_idx" ON "CustomerValue"("shop", "probabilityOrder12m", "customerId");
