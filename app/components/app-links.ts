// Links inside the embedded app keep the context Shopify put in the URL when it opened the app (locale,
// shop, host, embedded), so every page formats numbers in the merchant's locale and a reload of any page
// still carries what authenticate.admin needs.
//
// The session token (id_token): inside the Shopify admin, App Bridge sends a fresh one with every request,
// so links never copy it. Without App Bridge (the offline demo, or App Bridge's script failing to load),
// nothing would authenticate the next page: there links carry the token the page was opened with, and
// authenticate.admin accepts it from the URL until it expires.
import { useLocation } from "@remix-run/react";
import { useCallback, useSyncExternalStore } from "react";

export const CONTEXT_PARAMS = ["locale", "shop", "host", "embedded"] as const;
/** Carried only where no App Bridge authenticates requests. */
export const TOKEN_PARAM = "id_token";

/** `path` (which may have its own query) plus the context parameters of `currentSearch`. */
export function appHref(
  path: string,
  currentSearch: string,
  extra?: Record<string, string | null | undefined>,
  options: { carryToken?: boolean } = {},
): string {
  const current = new URLSearchParams(currentSearch);
  const [pathname, query = ""] = path.split("?");
  const next = new URLSearchParams(query);
  const names: readonly string[] = options.carryToken ? [...CONTEXT_PARAMS, TOKEN_PARAM] : CONTEXT_PARAMS;
  for (const name of names) {
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

const subscribe = () => () => {};

/**
 * True once the page runs in the browser without App Bridge (window.shopify is App Bridge's global).
 * False during server rendering and hydration, so the server's HTML and the first client render agree.
 */
export function useWithoutAppBridge(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => typeof window.shopify === "undefined",
    () => false,
  );
}

/** True once App Bridge is known to be there (inside the Shopify admin). */
export function useAppBridge(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => typeof window.shopify !== "undefined",
    () => false,
  );
}

export function useAppHref(): (path: string, extra?: Record<string, string | null | undefined>) => string {
  const { search } = useLocation();
  const carryToken = useWithoutAppBridge();
  return useCallback((path, extra) => appHref(path, search, extra, { carryToken }), [search, carryToken]);
}

/** The context (and, without App Bridge, the token) as hidden inputs of a GET form. */
export function useContextInputs(): { name: string; value: string }[] {
  const { search } = useLocation();
  const carryToken = useWithoutAppBridge();
  const current = new URLSearchParams(search);
  const names: readonly string[] = carryToken ? [...CONTEXT_PARAMS, TOKEN_PARAM] : CONTEXT_PARAMS;
  return names.flatMap((name) => {
    const value = current.get(name);
    return value === null ? [] : [{ name, value }];
  });
}
