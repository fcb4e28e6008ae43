// The app proxy on SQLite (the suite's cases); proxy-postgres.test.ts runs the same on PostgreSQL.
import { startApp } from "../support/app-under-test";
import { proxyRoutesSuite } from "./proxy-routes.suite";

proxyRoutesSuite("sqlite", (env) => startApp({ workers: false, env }));
