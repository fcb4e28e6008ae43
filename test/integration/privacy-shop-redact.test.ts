// shop/redact against queued work, and deliveries for shops that are not installed, on SQLite.
import { startApp } from "../support/app-under-test";
import { shopRedactSuite } from "../support/shop-redact-suite";

shopRedactSuite(() => startApp());
