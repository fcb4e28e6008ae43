// Collects ingest jobs that arrive together and applies them in one database transaction per shop.
// Each BullMQ job still completes or fails on its own: the buffer only lives while its jobs are active
// in Redis, so a crash loses nothing (the jobs stall and are retried). If a batch fails, its jobs are
// applied one by one so that one bad job cannot fail its neighbours.
//
// Pacing: after a batch, the next one waits (restRatio × the batch's duration, at most maxRestMs) unless a
// full batch is already waiting. Under a backlog nothing changes (batches are full); at a moderate rate the
// worker's busy share stays below 1 / (1 + restRatio) and its batches grow instead of its CPU. That matters
// because a batch costs a fixed part (a transaction, a dozen statements) plus, for each customer it touches,
// a recompute over all that customer's orders: at 500 orders/s a shop of 20 customers with ~1,000 orders
// each kept a worker ~80 % busy recomputing the same customers every ~35 ms (bench:webhooks, wholesale),
// CPU taken from the web process that must acknowledge webhooks within milliseconds on the same cores.
export interface BatchOptions<T, R> {
  /** Applies a group of items of one key (shop) together. Returns one result per item, in order. */
  applyGroup: (key: string, items: T[]) => Promise<R[]>;
  keyOf: (item: T) => string;
  maxBatch: number;
  /** How long the first item waits for company. */
  lingerMs: number;
  /** Batches applied at once (1 for SQLite, which has a single writer anyway). */
  parallel: number;
  /** Rest after a batch, as a multiple of its duration (default 2: busy at most a third of the time). 0 = none. */
  restRatio?: number;
  /** Upper bound of that rest (default 250 ms), so that a slow batch cannot hold the next one long. */
  maxRestMs?: number;
}

const DEFAULT_REST_RATIO = 2;
const DEFAULT_MAX_REST_MS = 250;

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class IngestBatcher<T, R> {
  private buffer: Pending<T, R>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = 0;
  /** performance.now() before which no batch starts unless a full one is waiting. */
  private restUntil = 0;

  constructor(private readonly options: BatchOptions<T, R>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.buffer.push({ item, resolve, reject });
      if (this.buffer.length >= this.options.maxBatch) this.flushSoon(0);
      else this.flushSoon(Math.max(this.options.lingerMs, this.restUntil - performance.now()));
    });
  }

  private flushSoon(delay: number) {
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drain();
    }, delay);
  }

  private drain(): void {
    while (this.buffer.length > 0 && this.running < this.options.parallel) {
      const resting = this.restUntil - performance.now();
      if (resting > 0 && this.buffer.length < this.options.maxBatch) {
        this.flushSoon(resting);
        return;
      }
      const batch = this.buffer.splice(0, this.options.maxBatch);
      this.running++;
      const started = performance.now();
      this.applyBatch(batch).finally(() => {
        this.running--;
        const ended = performance.now();
        const rest = Math.min(
          this.options.maxRestMs ?? DEFAULT_MAX_REST_MS,
          (ended - started) * (this.options.restRatio ?? DEFAULT_REST_RATIO),
        );
        this.restUntil = Math.max(this.restUntil, ended + rest);
        if (this.buffer.length > 0) this.drain();
      });
    }
  }

  private async applyBatch(batch: Pending<T, R>[]): Promise<void> {
    const groups = new Map<string, Pending<T, R>[]>();
    for (const p of batch) {
      const key = this.options.keyOf(p.item);
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    for (const [key, group] of groups) {
      try {
        const results = await this.options.applyGroup(
          key,
          group.map((p) => p.item),
        );
        group.forEach((p, i) => p.resolve(results[i]!));
      } catch (error) {
        if (group.length === 1) {
          group[0]!.reject(error);
          continue;
        }
        // One by one, not in halves: when the failure is a deadlock between concurrent batches (PostgreSQL,
        // several workers), halves deadlock again, each costing deadlock_timeout; single jobs rarely do.
        for (const p of group) {
          try {
            const [result] = await this.options.applyGroup(key, [p.item]);
            p.resolve(result!);
          } catch (single) {
            p.reject(single);
          }
        }
      }
    }
  }
}
