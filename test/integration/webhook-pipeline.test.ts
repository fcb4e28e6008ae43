// Webhook → queue → worker → database on the embedded default, SQLite.
import { startApp } from "../support/app-under-test";
import { pipelineSuite } from "../support/pipeline-suite";

pipelineSuite(() => startApp());
