// The retention sync on SQLite (the embedded default).
import { retentionSyncSuite } from "./retention-sync.suite";

retentionSyncSuite("sqlite");
