// The `shopify` global the admin gives this target (Shopify's CLI would also generate a shopify.d.ts
// declaring it; reading it through one typed accessor keeps the extension independent of that file, and
// lets tests put a stub on globalThis).
import type { Api } from "@shopify/ui-extensions/admin.customer-details.block.render";

export type CustomerBlockApi = Api;

export function customerBlockApi(): CustomerBlockApi {
  const api = (globalThis as unknown as { shopify?: CustomerBlockApi }).shopify;
  if (!api) throw new Error("The shopify global is missing: this module runs inside Shopify's admin.");
  return api;
}
