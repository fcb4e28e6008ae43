// Redemption on SQLite (the embedded default).
import { redemptionSuite } from "./loyalty-redemptions.suite";

redemptionSuite("sqlite");
