import { describe, expect, it } from "vitest";
import { IngestBatcher } from "~/worker/ingest-batcher";

describe("IngestBatcher", () => {
  it("groups items that arrive together by key and resolves each with its own result", async () => {
    const calls: [string, number[]][] = [];
    const batcher = new IngestBatcher<{ shop: string; n: number }, number>({
      keyOf: (i) => i.shop,
      applyGroup: async (shop, items) => {
        calls.push([shop, items.map((i) => i.n)]);
        return items.map((i) => i.n * 10);
      },
      maxBatch: 100,
      lingerMs: 5,
      parallel: 1,
    });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.add({ shop: n === 2 ? "b" : "a", n })));
    expect(results).toEqual([10, 20, 30]);
    expect(calls).toEqual([
      ["a", [1, 3]],
      ["b", [2]],
    ]);
  });

  it("isolates a poison item: its neighbours succeed, it alone fails", async () => {
    const batcher = new IngestBatcher<number, number>({
      keyOf: () => "shop",
      applyGroup: async (_key, items) => {
        if (items.includes(13)) throw new Error("bad item");
        return items;
      },
      maxBatch: 10,
      lingerMs: 2,
      parallel: 1,
    });
    const outcomes = await Promise.allSettled([12, 13, 14].map((n) => batcher.add(n)));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  it("never runs more batches at once than allowed", async () => {
    let running = 0;
    let peak = 0;
    const batcher = new IngestBatcher<number, number>({
      keyOf: (n) => String(n % 3),
      applyGroup: async (_k, items) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return items;
      },
      maxBatch: 2,
      lingerMs: 1,
      parallel: 1,
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.add(i)));
    expect(peak).toBe(1);
  });
});
