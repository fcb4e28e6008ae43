// Links inside the embedded app keep the context Shopify put in the URL when it opened the app (locale,
// shop, host, embedded), so every page formats numbers in the merchant's locale and a reload of any page
// still carries what authenticate.admin needs. The session token (id_token) is never copied: App Bridge
// sends a fresh one with each request.
import { useLocation } from "@remix-run/react";
import { useCallback } from "react";

export const CONTEXT_PARAMS = ["locale", "shop", "host", "embedded"] as const;

/** `path` (which may have its own query) plus the context parameters of `currentSearch`. */
export function appHref(path: string, currentSearch: string, extra?: Record<string, string | null | undefined>): string {
  const current = new URLSearchParams(currentSearch);
  const [pathname, query = ""] = path.split("?");
  const next = new URLSearchParams(query);
  for (const name of CONTEXT_PARAMS) {
    const value = current.get(name);
    if (value !== null && !next.has(name)) next.set(name, value);
  }
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (value === null || value === undefined || value === "") next.delete(name);
    else next.set(name, value);
  }
  const search = next.toString();
  return search ? `${pathname}?${search}` : pathname;
}

export function useAppHref(): (path: string, extra?: Record<string, string | null | undefined>) => string {
  const { search } = useLocation();
  return useCallback((path, extra) => appHref(path, search, extra), [search]);
}
