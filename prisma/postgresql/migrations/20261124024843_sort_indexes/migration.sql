-- DropIndex
DROP INDEX "CustomerValue_shop_netRevenueMinor_idx";

-- DropIndex
DROP INDEX "CustomerValue_shop_predictedClvMinor_idx";

-- DropIndex
DROP INDEX "CustomerValue_shop_probabilityAlive_idx";

-- DropIndex
DROP INDEX "CustomerValue_shop_orderCount_idx";

-- DropIndex
DROP INDEX "CustomerValue_shop_lastOrderAt_idx";

-- CreateIndex
CREATE INDEX "CustomerValue_shop_netRevenueMinor_customerId_idx" ON "CustomerValue"("shop", "netRevenueMinor", "customerId");

-- CreateIndex
CREATE INDEX "CustomerValue_shop_predictedClvMinor_customerId_idx" ON "CustomerValue"("shop", "predictedClvMinor", "customerId");

-- CreateIndex
CREATE INDEX "CustomerValue_shop_probabilityAlive_customerId_idx" ON "CustomerValue"("shop", "probabilityAlive", "customerId");

-- CreateIndex
CREATE INDEX "CustomerValue_shop_orderCount_customerId_idx" ON "CustomerValue"("shop", "orderCount", "customerId");

-- CreateIndex
CREATE INDEX "CustomerValue_shop_lastOrderAt_customerId_idx" ON "CustomerValue"("shop", "lastOrderAt", "customerId");
