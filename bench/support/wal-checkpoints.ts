// SQLite's checkpoints, charged to the shop whose pages they copy (bench:rescore, bench:rescore-pipeline).
// bench:rescore-pipeline's workers keep their automatic checkpoints; it checkpoints the WAL before each shop's
// drain (untimed: the other shop's pages) and after it (timed, the shop's), so each drain pays for its own.
//
// Why: a checkpoint copies every page in the WAL into the database file and syncs it, tens of milliseconds,
// and SQLite runs it in whichever commit finds the WAL past wal_autocheckpoint pages (10,000: app/db.server.ts).
// Two shops timed side by side in one file share one WAL, so which shop's batch pays for a checkpoint was luck:
// over 50 batches a shop, a few checkpoints more or less moved the share re-scoring costs by ±3 points
// (measured: one shop's commits averaging 3 ms in one run and 9 ms in the next). So the benchmarks take the
// checkpoints out of the commits and charge each one to the shops in proportion to the WAL frames each wrote
// since the previous one: every frame written is still paid for, by the shop that wrote it. (Frames, not
// distinct pages: a page rewritten by ten batches is copied once, so the shop that rewrites the same pages
// most, the one re-scoring, is charged a little more than its share. The error is against re-scoring.)
import { statSync } from "node:fs";

/** What the benchmarks need of a database client: a raw query (the app's Prisma client). */
interface RawClient {
  $queryRawUnsafe<T = unknown>(query: string): Promise<T>;
}

/** The WAL's header and each frame's: https://www.sqlite.org/fileformat.html#the_write_ahead_log */
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

const walBytes = (file: string) => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};

/**
 * A checkpoint that copies the whole WAL and truncates it to 0 bytes; its duration in milliseconds. Busy (another
 * connection was reading, so the copy was partial): tried again, and the time of every try counts.
 */
export async function truncatingCheckpoint(client: RawClient): Promise<number> {
  let ms = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const begin = performance.now();
    const [result] = await client.$queryRawUnsafe<{ busy: number | bigint }[]>("PRAGMA wal_checkpoint(TRUNCATE)");
    ms += performance.now() - begin;
    if (Number(result?.busy ?? 0) === 0) return ms;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("20 checkpoints in a row found the WAL busy: is another connection reading?");
}

/**
 * In one process, with its one connection (bench:rescore): autocheckpoint off; after each timed batch,
 * `recorded` notes the frames the batch wrote and, once they reach the app's threshold, checkpoints and
 * returns each shop's share of the time; `settle` does the last one (a phase's remaining frames).
 */
export class CheckpointLedger {
  private readonly frames = new Map<string, number>();
  private frameBytes = 0;
  private threshold = 0;

  constructor(
    private readonly client: RawClient,
    private readonly file: string,
  ) {}

  /** Reads the app's page size and threshold, turns automatic checkpoints off, and starts from an empty WAL. */
  async start(): Promise<void> {
    const [{ page_size }] = await this.client.$queryRawUnsafe<{ page_size: number | bigint }[]>("PRAGMA page_size");
    const [{ wal_autocheckpoint }] =
      await this.client.$queryRawUnsafe<{ wal_autocheckpoint: number | bigint }[]>("PRAGMA wal_autocheckpoint");
    this.frameBytes = Number(page_size) + FRAME_HEADER_BYTES;
    this.threshold = Number(wal_autocheckpoint);
    if (!(this.threshold > 0)) throw new Error("the app's connection has no automatic checkpoint to stand in for");
    await this.client.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 0");
    await truncatingCheckpoint(this.client);
  }

  /** The WAL's size now: take it before a batch and pass it to `recorded` after. */
  mark(): number {
    return walBytes(this.file);
  }

  /** A batch of `shop` has committed; returns the checkpoint time charged to each shop (none, mostly). */
  async recorded(shop: string, bytesBefore: number): Promise<Map<string, number>> {
    const bytes = walBytes(this.file) - Math.max(bytesBefore, WAL_HEADER_BYTES);
    this.frames.set(shop, (this.frames.get(shop) ?? 0) + Math.max(0, bytes) / this.frameBytes);
    const total = [...this.frames.values()].reduce((a, b) => a + b, 0);
    return total >= this.threshold ? this.settle() : new Map();
  }

  /** Checkpoints now and charges its time to the shops by their frames since the previous one. */
  async settle(): Promise<Map<string, number>> {
    const total = [...this.frames.values()].reduce((a, b) => a + b, 0);
    const ms = await truncatingCheckpoint(this.client);
    const charges = new Map([...this.frames].map(([shop, frames]) => [shop, total > 0 ? (ms * frames) / total : 0]));
    this.frames.clear();
    return charges;
  }
}
