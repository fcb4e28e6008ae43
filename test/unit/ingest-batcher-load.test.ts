// How the batcher behaves under load: it rests after each batch (restRatio × its duration, capped) unless a
// full batch is waiting.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IngestBatcher, type BatchOptions } from "~/worker/ingest-batcher";

const BATCH_MS = 30;

/** A batcher whose batches each take BATCH_MS (fake time) and record when they started and ended. */
function pacedBatcher(options: Partial<BatchOptions<number, number>>) {
  const batches: { items: number[]; start: number; end: number }[] = [];
  const batcher = new IngestBatcher<number, number>({
    keyOf: () => "shop",
    applyGroup: async (_key, items) => {
      const start = performance.now();
      await new Promise((r) => setTimeout(r, BATCH_MS));
      batches.push({ items, start, end: performance.now() });
      return items;
    },
    maxBatch: 100,
    lingerMs: 1,
    parallel: 1,
    ...options,
  });
  return { batcher, batches };
}

describe("IngestBatcher pacing", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits restRatio × the last batch's duration before the next batch, gathering what arrives meanwhile", async () => {
    const { batcher, batches } = pacedBatcher({ restRatio: 2, maxRestMs: 1_000 });
    const first = batcher.add(1);
    await vi.advanceTimersByTimeAsync(1 + BATCH_MS);
    await first;
    const firstEnd = batches[0]!.end;
    // Items arriving during the rest wait for its end, then go together.
    const later = [2, 3, 4].map((n) => batcher.add(n));
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * BATCH_MS + BATCH_MS);
    expect(await Promise.all(later)).toEqual([2, 3, 4]);
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
    expect(batches[1]!.start - firstEnd).toBeGreaterThanOrEqual(2 * BATCH_MS);
    expect(batches[1]!.start - firstEnd).toBeLessThan(2 * BATCH_MS + 5);
  });

  it("starts a full batch at once, rest or not", async () => {
    const { batcher, batches } = pacedBatcher({ maxBatch: 3, restRatio: 2, maxRestMs: 1_000 });
    const first = batcher.add(1);
    await vi.advanceTimersByTimeAsync(1 + BATCH_MS);
    await first;
    const full = [2, 3, 4].map((n) => batcher.add(n));
    await vi.advanceTimersByTimeAsync(BATCH_MS);
    await Promise.all(full);
    expect(batches[1]!.items).toEqual([2, 3, 4]);
    expect(batches[1]!.start - batches[0]!.end).toBeLessThan(1);
  });

  it("never rests longer than maxRestMs, and not at all with restRatio 0", async () => {
    for (const [restRatio, maxRestMs, expectedRest] of [
      [10, 50, 50],
      [0, 1_000, 1], // the linger only
    ] as const) {
      const { batcher, batches } = pacedBatcher({ restRatio, maxRestMs });
      const first = batcher.add(1);
      await vi.advanceTimersByTimeAsync(1 + BATCH_MS);
      await first;
      const second = batcher.add(2);
      await vi.advanceTimersByTimeAsync(expectedRest + BATCH_MS + 1);
      await second;
      expect(batches[1]!.start - batches[0]!.end, `restRatio ${restRatio}`).toBeGreaterThanOrEqual(expectedRest);
      expect(batches[1]!.start - batches[0]!.end, `restRatio ${restRatio}`).toBeLessThan(expectedRest + 2);
    }
  });
});
