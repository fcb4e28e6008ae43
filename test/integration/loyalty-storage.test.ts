// The loyalty ingest's storage shortcuts on SQLite (the embedded default): see loyalty-storage.suite.ts.
import { loyaltyStorageSuite } from "./loyalty-storage.suite";

loyaltyStorageSuite(async () => ({}));
