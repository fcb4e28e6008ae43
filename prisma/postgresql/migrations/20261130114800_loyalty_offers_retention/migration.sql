-- AlterTable
ALTER TABLE "LineItem" ADD COLUMN     "offerId" TEXT;

-- AlterTable
ALTER TABLE "CustomerValue" ADD COLUMN     "clvHighMinor" BIGINT,
ADD COLUMN     "clvLowMinor" BIGINT,
ADD COLUMN     "probabilityOrder12m" DOUBLE PRECISION,
ADD COLUMN     "purchasesHigh" DOUBLE PRECISION,
ADD COLUMN     "purchasesLow" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "ModelFit" ADD COLUMN     "accuracy" TEXT,
ADD COLUMN     "model" TEXT;

-- CreateTable
CREATE TABLE "LoyaltyProgram" (
    "shop" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "settings" TEXT NOT NULL,
    "tiers" TEXT NOT NULL,
    "tiersVersion" INTEGER NOT NULL DEFAULT 1,
    "rewards" TEXT NOT NULL DEFAULT '[]',
    "referral" TEXT NOT NULL DEFAULT '{}',
    "salt" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoyaltyProgram_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "LoyaltyRuleVersion" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "settings" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoyaltyRuleVersion_pkey" PRIMARY KEY ("shop","id")
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
    "effectiveAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PointsEntry_pkey" PRIMARY KEY ("shop","key")
);

-- CreateTable
CREATE TABLE "LoyaltyMember" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "tierId" TEXT,
    "tierSinceDay" INTEGER,
    "holdUntilDay" INTEGER,
    "metric" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "nextTierId" TEXT,
    "amountToNext" DOUBLE PRECISION,
    "referralCode" TEXT,
    "tiersVersion" INTEGER NOT NULL DEFAULT 0,
    "evaluatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoyaltyMember_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "TierChange" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "fromTierId" TEXT,
    "toTierId" TEXT,
    "day" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TierChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TierEvaluationRun" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "tiersVersion" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "TierEvaluationRun_pkey" PRIMARY KEY ("id")
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("shop","id")
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
    "decideAfter" TIMESTAMP(3),
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("shop","referredCustomerId")
);

-- CreateTable
CREATE TABLE "ShopifySyncState" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "written" TEXT NOT NULL,
    "dirty" BOOLEAN NOT NULL DEFAULT true,
    "syncedAt" TIMESTAMP(3),

    CONSTRAINT "ShopifySyncState_pkey" PRIMARY KEY ("shop","customerId","channel")
);

-- CreateTable
CREATE TABLE "Product" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "title" TEXT,
    "handle" TEXT,
    "status" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),
    "imageUrl" TEXT,
    "priceMinor" BIGINT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "OfferSettings" (
    "shop" TEXT NOT NULL,
    "windowMonths" INTEGER NOT NULL DEFAULT 12,
    "minSupport" DOUBLE PRECISION NOT NULL DEFAULT 0.0005,
    "minConfidence" DOUBLE PRECISION NOT NULL DEFAULT 0.01,
    "recencyHalfLifeDays" INTEGER,
    "holdoutShare" DOUBLE PRECISION NOT NULL DEFAULT 0.1,
    "maxOffered" INTEGER NOT NULL DEFAULT 4,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OfferSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "OfferSuggestion" (
    "shop" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "offeredProductId" TEXT NOT NULL,
    "orders" INTEGER NOT NULL,
    "support" DOUBLE PRECISION NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "lift" DOUBLE PRECISION NOT NULL,
    "shrunkLift" DOUBLE PRECISION NOT NULL,
    "buyersMeanClvMinor" BIGINT,
    "valueScore" DOUBLE PRECISION NOT NULL,
    "verdict" TEXT NOT NULL DEFAULT 'new',
    "minedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OfferSuggestion_pkey" PRIMARY KEY ("shop","productId","offeredProductId")
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
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "priority" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "source" TEXT NOT NULL DEFAULT 'manual',
    "discountId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Offer_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "CustomerRecommendation" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "productIds" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerRecommendation_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "Experiment" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "holdoutShare" DOUBLE PRECISION NOT NULL,
    "salt" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("shop","key")
);

-- CreateTable
CREATE TABLE "ExperimentExposure" (
    "shop" TEXT NOT NULL,
    "experimentKey" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "arm" TEXT NOT NULL,
    "firstExposedAt" TIMESTAMP(3) NOT NULL,
    "costMinor" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ExperimentExposure_pkey" PRIMARY KEY ("shop","experimentKey","customerId")
);

-- CreateTable
CREATE TABLE "RetentionSettings" (
    "shop" TEXT NOT NULL,
    "aliveThreshold" DOUBLE PRECISION NOT NULL DEFAULT 0.3,
    "sharpDrop" DOUBLE PRECISION NOT NULL DEFAULT 0.3,
    "minValueAtStakeMinor" BIGINT NOT NULL DEFAULT 0,
    "winBackEnabled" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RetentionSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "CustomerRisk" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "atRisk" BOOLEAN NOT NULL DEFAULT false,
    "episodeStartDay" INTEGER,
    "valueAtStakeMinor" BIGINT NOT NULL DEFAULT 0,
    "reason" TEXT,
    "probabilityAlive" DOUBLE PRECISION,
    "predictedClvMinor" BIGINT,
    "modelFitId" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerRisk_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "RetentionSnapshot" (
    "shop" TEXT NOT NULL,
    "modelFitId" TEXT NOT NULL,
    "atRiskCustomers" INTEGER NOT NULL,
    "valueAtStakeMinor" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RetentionSnapshot_pkey" PRIMARY KEY ("shop","modelFitId")
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
