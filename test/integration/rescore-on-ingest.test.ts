// Re-scoring on ingest on the embedded default, SQLite.
import { startApp } from "../support/app-under-test";
import { rescoreOnIngestSuite } from "./rescore-on-ingest.suite";

rescoreOnIngestSuite(() => startApp());
