-- AlterTable
ALTER TABLE "LineItem" ADD COLUMN "offerId" TEXT;

-- AlterTable
ALTER TABLE "CustomerValue" ADD COLUMN "clvHighMinor" BIGINT;
ALTER TABLE "CustomerValue" ADD COLUMN "clvLowMinor" BIGINT;
ALTER TABLE "CustomerValue" ADD COLUMN "probabilityOrder12m" REAL;
ALTER TABLE "CustomerValue" ADD COLUMN "purchasesHigh" REAL;
ALTER TABLE "CustomerValue" ADD COLUMN "purchasesLow" REAL;

-- AlterTable
ALTER TABLE "ModelFit" ADD COLUMN "accuracy" TEXT;
ALTER TABLE "ModelFit" ADD COLUMN "model" TEXT;

-- CreateTable
CREATE TABLE "LoyaltyProgram" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "settings" TEXT NOT NULL,
    "tiers" TEXT NOT NULL,
    "tiersVersion" INTEGER NOT NULL DEFAULT 1,
    "rewards" TEXT NOT NULL DEFAULT '[]',
    "referral" TEXT NOT NULL DEFAULT '{}',
    "salt" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "LoyaltyRuleVersion" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "effectiveFrom" DATETIME NOT NULL,
    "settings" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "PointsEntry" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "sourceType" TEXT NOT NULL,
    "sourceId" TEXT,
    "orderId" TEXT,
    "ruleVersionId" TEXT,
    "basisMinor" BIGINT,
    "multiplierHundredths" INTEGER,
    "reason" TEXT,
    "effectiveAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "key")
);

-- CreateTable
CREATE TABLE "LoyaltyMember" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "tierId" TEXT,
    "tierSinceDay" INTEGER,
    "holdUntilDay" INTEGER,
    "metric" REAL NOT NULL DEFAULT 0,
    "nextTierId" TEXT,
    "amountToNext" REAL,
    "referralCode" TEXT,
    "tiersVersion" INTEGER NOT NULL DEFAULT 0,
    "evaluatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerId")
);

-- CreateTable
CREATE TABLE "TierChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "fromTierId" TEXT,
    "toTierId" TEXT,
    "day" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "TierEvaluationRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "tiersVersion" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Redemption" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "pointsCost" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "code" TEXT,
    "discountId" TEXT,
    "failure" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "Referral" (
    "shop" TEXT NOT NULL,
    "referredCustomerId" TEXT NOT NULL,
    "referrerCustomerId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "reason" TEXT,
    "decideAfter" DATETIME,
    "decidedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "referredCustomerId")
);

-- CreateTable
CREATE TABLE "ShopifySyncState" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "written" TEXT NOT NULL,
    "dirty" BOOLEAN NOT NULL DEFAULT true,
    "syncedAt" DATETIME,

    PRIMARY KEY ("shop", "customerId", "channel")
);

-- CreateTable
CREATE TABLE "Product" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "title" TEXT,
    "handle" TEXT,
    "status" TEXT NOT NULL,
    "publishedAt" DATETIME,
    "deletedAt" DATETIME,
    "imageUrl" TEXT,
    "priceMinor" BIGINT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "OfferSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "windowMonths" INTEGER NOT NULL DEFAULT 12,
    "minSupport" REAL NOT NULL DEFAULT 0.0005,
    "minConfidence" REAL NOT NULL DEFAULT 0.01,
    "recencyHalfLifeDays" INTEGER,
    "holdoutShare" REAL NOT NULL DEFAULT 0.1,
    "maxOffered" INTEGER NOT NULL DEFAULT 4,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OfferSuggestion" (
    "shop" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "offeredProductId" TEXT NOT NULL,
    "orders" INTEGER NOT NULL,
    "support" REAL NOT NULL,
    "confidence" REAL NOT NULL,
    "lift" REAL NOT NULL,
    "shrunkLift" REAL NOT NULL,
    "buyersMeanClvMinor" BIGINT,
    "valueScore" REAL NOT NULL,
    "verdict" TEXT NOT NULL DEFAULT 'new',
    "minedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "productId", "offeredProductId")
);

-- CreateTable
CREATE TABLE "Offer" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "triggerProductIds" TEXT NOT NULL,
    "offeredProductIds" TEXT NOT NULL,
    "percentOff" INTEGER,
    "tierId" TEXT,
    "startsAt" DATETIME,
    "endsAt" DATETIME,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "source" TEXT NOT NULL DEFAULT 'manual',
    "discountId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "CustomerRecommendation" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "productIds" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerId")
);

-- CreateTable
CREATE TABLE "Experiment" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "holdoutShare" REAL NOT NULL,
    "salt" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,

    PRIMARY KEY ("shop", "key")
);

-- CreateTable
CREATE TABLE "ExperimentExposure" (
    "shop" TEXT NOT NULL,
    "experimentKey" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "arm" TEXT NOT NULL,
    "firstExposedAt" DATETIME NOT NULL,
    "costMinor" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "experimentKey", "customerId")
);

-- CreateTable
CREATE TABLE "RetentionSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "aliveThreshold" REAL NOT NULL DEFAULT 0.3,
    "sharpDrop" REAL NOT NULL DEFAULT 0.3,
    "minValueAtStakeMinor" BIGINT NOT NULL DEFAULT 0,
    "winBackEnabled" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CustomerRisk" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "atRisk" BOOLEAN NOT NULL DEFAULT false,
    "episodeStartDay" INTEGER,
    "valueAtStakeMinor" BIGINT NOT NULL DEFAULT 0,
    "reason" TEXT,
    "probabilityAlive" REAL,
    "predictedClvMinor" BIGINT,
    "modelFitId" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerId")
);

-- CreateTable
CREATE TABLE "RetentionSnapshot" (
    "shop" TEXT NOT NULL,
    "modelFitId" TEXT NOT NULL,
    "atRiskCustomers" INTEGER NOT NULL,
    "valueAtStakeMinor" BIGINT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "modelFitId")
);

-- CreateIndex
CREATE INDEX "LoyaltyRuleVersion_shop_effectiveFrom_idx" ON "LoyaltyRuleVersion"("shop", "effectiveFrom");

-- CreateIndex
CREATE INDEX "PointsEntry_shop_customerId_effectiveAt_idx" ON "PointsEntry"("shop", "customerId", "effectiveAt");

-- CreateIndex
CREATE INDEX "PointsEntry_shop_orderId_idx" ON "PointsEntry"("shop", "orderId");

-- CreateIndex
CREATE INDEX "LoyaltyMember_shop_tierId_idx" ON "LoyaltyMember"("shop", "tierId");

-- CreateIndex
CREATE INDEX "LoyaltyMember_shop_referralCode_idx" ON "LoyaltyMember"("shop", "referralCode");

-- CreateIndex
CREATE INDEX "TierChange_shop_createdAt_idx" ON "TierChange"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "TierChange_shop_customerId_createdAt_idx" ON "TierChange"("shop", "customerId", "createdAt");

-- CreateIndex
CREATE INDEX "TierEvaluationRun_shop_startedAt_idx" ON "TierEvaluationRun"("shop", "startedAt");

-- CreateIndex
CREATE INDEX "Redemption_shop_customerId_createdAt_idx" ON "Redemption"("shop", "customerId", "createdAt");

-- CreateIndex
CREATE INDEX "Referral_shop_referrerCustomerId_idx" ON "Referral"("shop", "referrerCustomerId");

-- CreateIndex
CREATE INDEX "Referral_shop_state_decideAfter_idx" ON "Referral"("shop", "state", "decideAfter");

-- CreateIndex
CREATE INDEX "ShopifySyncState_shop_channel_dirty_idx" ON "ShopifySyncState"("shop", "channel", "dirty");

-- CreateIndex
CREATE INDEX "Product_shop_status_idx" ON "Product"("shop", "status");

-- CreateIndex
CREATE INDEX "OfferSuggestion_shop_valueScore_idx" ON "OfferSuggestion"("shop", "valueScore");

-- CreateIndex
CREATE INDEX "ExperimentExposure_shop_experimentKey_arm_idx" ON "ExperimentExposure"("shop", "experimentKey", "arm");

-- CreateIndex
CREATE INDEX "CustomerRisk_shop_atRisk_valueAtStakeMinor_idx" ON "CustomerRisk"("shop", "atRisk", "valueAtStakeMinor");

-- CreateIndex
CREATE INDEX "RetentionSnapshot_shop_createdAt_idx" ON "RetentionSnapshot"("shop", "createdAt");
