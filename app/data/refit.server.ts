import type { Db } from "~/db.server";
export async function refitShop(_db: Db, shop: string): Promise<{ shop: string }> {
  throw new Error(`refit of ${shop}: CLV models not wired yet`);
}
