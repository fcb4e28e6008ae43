// The admin pages' loaders and actions on the embedded default, SQLite; plus a check that the list's
// sort queries walk the (shop, sort column) indexes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { adminPagesSuite } from "./admin-pages.suite";
import { DEFAULT_QUERY, SORT_COLUMNS, valuesPageSql, type SortKey } from "~/data/customers-query.server";
import { renderSql } from "~/data/sql.server";

adminPagesSuite(() => startApp({ workers: false }));

describe("customers list query plans (SQLite)", () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    app = await startApp({ workers: false });
  });
  afterAll(async () => {
    await app?.stop();
  });

  for (const sort of Object.keys(SORT_COLUMNS) as SortKey[]) {
    for (const direction of ["asc", "desc"] as const) {
      it(`sorting by ${sort} ${direction} walks the (shop, ${SORT_COLUMNS[sort]}) index`, async () => {
        const { text, values } = renderSql(valuesPageSql("plan.myshopify.com", { ...DEFAULT_QUERY, sort, direction }, 5_000), "sqlite");
        const plan = await app.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${text}`, ...values);
        const details = plan.map((p) => p.detail).join(" | ");
        // A composite (shop, column, customerId) index would also satisfy the tie-break; either starts with (shop, column).
        expect(details).toMatch(new RegExp(`USING (COVERING )?INDEX CustomerValue_shop_${SORT_COLUMNS[sort]}\\w*`));
        if (details.includes("TEMP B-TREE"))
          console.info(`${sort} ${direction}: the customerId tie-break sorts within equal values (${details})`);
      });
    }
  }
});
