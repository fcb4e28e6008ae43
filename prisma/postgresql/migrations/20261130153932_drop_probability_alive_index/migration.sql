-- DropIndex
DROP INDEX "CustomerValue_shop_probabilityAlive_customerId_idx";
