// Measures the memory of writing a large bulk JSONL file, in a process of its own (the unit test runs it):
//   node --import tsx testkit/synthetic-shop/memory-probe.ts <orders> <file>
// Prints one JSON line: orders written, RSS before, peak RSS (maxRSS), and the growth in MB.
import { writeBulkJsonl } from "./bulk-jsonl";
import { syntheticOrders } from "./generator";

const orders = Number(process.argv[2] ?? 200_000);
const file = process.argv[3];
if (!file) {
  console.error("usage: memory-probe.ts <orders> <file>");
  process.exit(2);
}
const before = process.memoryUsage().rss;
const stats = await writeBulkJsonl(syntheticOrders({ orders, seed: 7 }), file);
const peak = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({
    orders: stats.orders,
    bytes: stats.bytes,
    rssBeforeMb: before / 2 ** 20,
    peakRssMb: peak / 2 ** 20,
    growthMb: (peak - before) / 2 ** 20,
  }),
);
