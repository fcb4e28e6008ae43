// Document titles ("Customers · Customer lifetime value") in the admin's language, for Remix `meta`.
import { translator, type MessageKey, type Params } from "./translate";

export function documentTitle(locale: string | undefined, key: MessageKey, params?: Params, literal?: string) {
  const t = translator(locale ?? "en");
  return [{ title: `${literal ?? t(key, params)} · ${t("app.name")}` }];
}
