// The customers list's likely-to-order sort and loyalty tiers on the embedded default, SQLite.
import { startApp } from "../support/app-under-test";
import { customersListSuite } from "./customers-list.suite";

customersListSuite(() => startApp({ workers: false }));
