// "Acknowledged means storable" on the embedded default, SQLite.
import { startApp } from "../support/app-under-test";
import { inputSuite } from "../support/input-suite";

inputSuite(() => startApp());
