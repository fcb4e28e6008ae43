-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "discountCodes" TEXT,
ADD COLUMN     "subtotalMinor" BIGINT;

-- CreateIndex
CREATE INDEX "CustomerValue_shop_probabilityOrder12m_customerId_idx" ON "CustomerValue"("shop", "probabilityOrder12m", "customerId");
