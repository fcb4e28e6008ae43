// The `shopify` global customer accounts give this target (Shopify's CLI would also generate a shopify.d.ts
// declaring it; one typed accessor keeps the extension independent of that file and lets tests stub it).
import type { Api } from "@shopify/ui-extensions/customer-account.profile.block.render";

export type ProfileBlockApi = Api;

export function profileBlockApi(): ProfileBlockApi {
  const api = (globalThis as unknown as { shopify?: ProfileBlockApi }).shopify;
  if (!api) throw new Error("The shopify global is missing: this module runs inside Shopify's customer accounts.");
  return api;
}
