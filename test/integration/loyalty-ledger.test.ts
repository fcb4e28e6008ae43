// The points ledger through the real pipeline on SQLite (the embedded default).
import { startApp } from "../support/app-under-test";
import { loyaltyLedgerSuite } from "./loyalty-ledger.suite";

loyaltyLedgerSuite(() => startApp());
