// A per-process memo of per-shop values that change rarely (the loyalty program, the running offers experiment,
// the shop's currency), kept for a few seconds: the storefront asks for them on every page view, the merchant
// changes them a few times a year. A change shows on the storefront within `ttlMs`.
export interface ShortCache<T> {
  get(shop: string, nowMs?: number): Promise<T>;
  /** Forget everything (tests that change what is cached). */
  clear(): void;
}

const MAX_SHOPS = 5_000;

export function shortCache<T>(ttlMs: number, load: (shop: string) => Promise<T>): ShortCache<T> {
  const entries = new Map<string, { atMs: number; value: Promise<T> }>();
  return {
    get(shop, nowMs = Date.now()) {
      const hit = entries.get(shop);
      if (hit && nowMs - hit.atMs < ttlMs) return hit.value;
      // The promise itself is kept, so that a burst of requests for a cold shop loads it once.
      const entry = { atMs: nowMs, value: load(shop) };
      entry.value.catch(() => {
        if (entries.get(shop) === entry) entries.delete(shop);
      });
      entries.delete(shop);
      if (entries.size >= MAX_SHOPS) entries.delete(entries.keys().next().value as string);
      entries.set(shop, entry);
      return entry.value;
    },
    clear: () => entries.clear(),
  };
}
