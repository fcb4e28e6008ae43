// Collects ingest jobs that arrive together and applies them in one database transaction per shop.
// Each BullMQ job still completes or fails on its own: the buffer only lives while its jobs are active
// in Redis, so a crash loses nothing (the jobs stall and are retried). If a batch fails, its jobs are
// applied one by one so that one bad job cannot fail its neighbours.
export interface BatchOptions<T, R> {
  /** Applies a group of items of one key (shop) together. Returns one result per item, in order. */
  applyGroup: (key: string, items: T[]) => Promise<R[]>;
  keyOf: (item: T) => string;
  maxBatch: number;
  /** How long the first item waits for company. */
  lingerMs: number;
  /** Batches applied at once (1 for SQLite, which has a single writer anyway). */
  parallel: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class IngestBatcher<T, R> {
  private buffer: Pending<T, R>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = 0;

  constructor(private readonly options: BatchOptions<T, R>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.buffer.push({ item, resolve, reject });
      if (this.buffer.length >= this.options.maxBatch) this.flushSoon(0);
      else this.flushSoon(this.options.lingerMs);
    });
  }

  private flushSoon(delay: number) {
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, delay);
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0 && this.running < this.options.parallel) {
      const batch = this.buffer.splice(0, this.options.maxBatch);
      this.running++;
      this.applyBatch(batch).finally(() => {
        this.running--;
        if (this.buffer.length > 0) void this.drain();
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
