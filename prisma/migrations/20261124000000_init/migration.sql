-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN,
    "locale" TEXT,
    "collaborator" BOOLEAN,
    "emailVerified" BOOLEAN,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT,
    "currencyCode" TEXT,
    "ianaTimezone" TEXT,
    "scopes" TEXT,
    "installedAt" DATETIME,
    "uninstalledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Customer" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "email" TEXT,
    "firstName" TEXT,
    "lastName" TEXT,
    "phone" TEXT,
    "tags" TEXT,
    "shopifyCreatedAt" DATETIME,
    "shopifyUpdatedAt" DATETIME,
    "deletedAt" DATETIME,
    "redactedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "Order" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customerId" TEXT,
    "name" TEXT,
    "email" TEXT,
    "currencyCode" TEXT NOT NULL,
    "totalMinor" BIGINT NOT NULL,
    "presentmentCurrency" TEXT,
    "presentmentTotalMinor" BIGINT,
    "refundedMinor" BIGINT NOT NULL DEFAULT 0,
    "financialStatus" TEXT,
    "sourceName" TEXT,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "shopifyCreatedAt" DATETIME NOT NULL,
    "processedAt" DATETIME NOT NULL,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME,
    "closedAt" DATETIME,
    "syncedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "LineItem" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "productId" TEXT,
    "variantId" TEXT,
    "title" TEXT,
    "quantity" INTEGER NOT NULL,
    "priceMinor" BIGINT NOT NULL,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "Refund" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "deliveryKey" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "processedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "topic", "deliveryKey")
);

-- CreateTable
CREATE TABLE "CustomerValue" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderCount" INTEGER NOT NULL DEFAULT 0,
    "grossMinor" BIGINT NOT NULL DEFAULT 0,
    "refundedMinor" BIGINT NOT NULL DEFAULT 0,
    "netRevenueMinor" BIGINT NOT NULL DEFAULT 0,
    "aovMinor" BIGINT NOT NULL DEFAULT 0,
    "firstOrderAt" DATETIME,
    "lastOrderAt" DATETIME,
    "tenureDays" INTEGER NOT NULL DEFAULT 0,
    "computedAt" DATETIME,
    "expectedPurchases" REAL,
    "probabilityAlive" REAL,
    "expectedAovMinor" BIGINT,
    "predictedClvMinor" BIGINT,
    "segment" TEXT,
    "predictedAt" DATETIME,
    "modelFitId" TEXT,

    PRIMARY KEY ("shop", "customerId")
);

-- CreateTable
CREATE TABLE "ModelFit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "asOf" DATETIME NOT NULL,
    "fittedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "customers" INTEGER NOT NULL,
    "repeatCustomers" INTEGER NOT NULL,
    "params" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customerId" TEXT,
    "payload" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "BackfillRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "bulkOperationId" TEXT,
    "status" TEXT NOT NULL,
    "objectCount" INTEGER NOT NULL DEFAULT 0,
    "rootObjectCount" INTEGER NOT NULL DEFAULT 0,
    "linesImported" INTEGER NOT NULL DEFAULT 0,
    "bytesImported" BIGINT NOT NULL DEFAULT 0,
    "url" TEXT,
    "error" TEXT,
    "onlyLast60Days" BOOLEAN NOT NULL DEFAULT false,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "Customer_shop_email_idx" ON "Customer"("shop", "email");

-- CreateIndex
CREATE INDEX "Order_shop_customerId_idx" ON "Order"("shop", "customerId");

-- CreateIndex
CREATE INDEX "Order_shop_processedAt_idx" ON "Order"("shop", "processedAt");

-- CreateIndex
CREATE INDEX "LineItem_shop_orderId_idx" ON "LineItem"("shop", "orderId");

-- CreateIndex
CREATE INDEX "LineItem_shop_productId_idx" ON "LineItem"("shop", "productId");

-- CreateIndex
CREATE INDEX "Refund_shop_orderId_idx" ON "Refund"("shop", "orderId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shop_topic_processedAt_idx" ON "WebhookDelivery"("shop", "topic", "processedAt");

-- CreateIndex
CREATE INDEX "CustomerValue_shop_netRevenueMinor_idx" ON "CustomerValue"("shop", "netRevenueMinor");

-- CreateIndex
CREATE INDEX "CustomerValue_shop_predictedClvMinor_idx" ON "CustomerValue"("shop", "predictedClvMinor");

-- CreateIndex
CREATE INDEX "CustomerValue_shop_probabilityAlive_idx" ON "CustomerValue"("shop", "probabilityAlive");

-- CreateIndex
CREATE INDEX "CustomerValue_shop_orderCount_idx" ON "CustomerValue"("shop", "orderCount");

-- CreateIndex
CREATE INDEX "CustomerValue_shop_lastOrderAt_idx" ON "CustomerValue"("shop", "lastOrderAt");

-- CreateIndex
CREATE INDEX "CustomerValue_shop_segment_idx" ON "CustomerValue"("shop", "segment");

-- CreateIndex
CREATE INDEX "ModelFit_shop_fittedAt_idx" ON "ModelFit"("shop", "fittedAt");

-- CreateIndex
CREATE INDEX "BackfillRun_shop_startedAt_idx" ON "BackfillRun"("shop", "startedAt");
