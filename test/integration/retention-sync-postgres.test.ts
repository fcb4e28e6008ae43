// The retention sync on PostgreSQL: the customer pages, the lease and the recorded state in raw SQL.
import { retentionSyncSuite } from "./retention-sync.suite";

retentionSyncSuite("postgresql");
