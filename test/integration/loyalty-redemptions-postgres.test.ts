// Redemption on PostgreSQL: the member-row lock and the unique ledger key under real concurrency.
import { redemptionSuite } from "./loyalty-redemptions.suite";

redemptionSuite("postgresql");
