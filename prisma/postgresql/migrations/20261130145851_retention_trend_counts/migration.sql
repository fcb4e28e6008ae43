-- DropIndex
DROP INDEX "LoyaltyMember_shop_tierId_idx";

-- AlterTable
ALTER TABLE "RetentionSettings" ALTER COLUMN "aliveThreshold" SET DEFAULT 0.5;

-- AlterTable
ALTER TABLE "RetentionSnapshot" ADD COLUMN     "lapsed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "newValueAtStakeMinor" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "newlyAtRisk" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "returned" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "LoyaltyMember_shop_tierId_customerId_idx" ON "LoyaltyMember"("shop", "tierId", "customerId");
