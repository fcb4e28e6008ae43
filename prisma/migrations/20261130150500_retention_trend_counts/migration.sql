-- DropIndex
DROP INDEX "LoyaltyMember_shop_tierId_idx";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_RetentionSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "aliveThreshold" REAL NOT NULL DEFAULT 0.5,
    "sharpDrop" REAL NOT NULL DEFAULT 0.3,
    "minValueAtStakeMinor" BIGINT NOT NULL DEFAULT 0,
    "winBackEnabled" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_RetentionSettings" ("aliveThreshold", "minValueAtStakeMinor", "sharpDrop", "shop", "updatedAt", "winBackEnabled") SELECT "aliveThreshold", "minValueAtStakeMinor", "sharpDrop", "shop", "updatedAt", "winBackEnabled" FROM "RetentionSettings";
DROP TABLE "RetentionSettings";
ALTER TABLE "new_RetentionSettings" RENAME TO "RetentionSettings";
CREATE TABLE "new_RetentionSnapshot" (
    "shop" TEXT NOT NULL,
    "modelFitId" TEXT NOT NULL,
    "atRiskCustomers" INTEGER NOT NULL,
    "valueAtStakeMinor" BIGINT NOT NULL,
    "newlyAtRisk" INTEGER NOT NULL DEFAULT 0,
    "returned" INTEGER NOT NULL DEFAULT 0,
    "lapsed" INTEGER NOT NULL DEFAULT 0,
    "newValueAtStakeMinor" BIGINT NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "modelFitId")
);
INSERT INTO "new_RetentionSnapshot" ("atRiskCustomers", "createdAt", "modelFitId", "shop", "valueAtStakeMinor") SELECT "atRiskCustomers", "createdAt", "modelFitId", "shop", "valueAtStakeMinor" FROM "RetentionSnapshot";
DROP TABLE "RetentionSnapshot";
ALTER TABLE "new_RetentionSnapshot" RENAME TO "RetentionSnapshot";
CREATE INDEX "RetentionSnapshot_shop_createdAt_idx" ON "RetentionSnapshot"("shop", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "LoyaltyMember_shop_tierId_customerId_idx" ON "LoyaltyMember"("shop", "tierId", "customerId");
