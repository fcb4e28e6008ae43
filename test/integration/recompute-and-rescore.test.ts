// Ingest's combined values recompute and re-scoring on the embedded default, SQLite.
import { isolatedEnvironment } from "../support/environment";
import { recomputeAndRescoreSuite } from "../support/recompute-and-rescore-suite";

recomputeAndRescoreSuite(async () => isolatedEnvironment());
