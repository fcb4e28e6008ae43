// Bulk query operations: CREATED → RUNNING → COMPLETED (or FAILED / CANCELED), counting the objects of
// the shop's file as they are "processed", then the file is served at <origin>/bulk/<n>.jsonl. Shops
// configured with `synthetic` options get their file generated on the first run (cached per shop).
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isoInZone } from "../synthetic-shop/format";
import { syntheticOrders } from "../synthetic-shop/generator";
import { writeBulkJsonl } from "../synthetic-shop/bulk-jsonl";
import { parse, rootFields, type FieldNode } from "./graphql-lite/index";
import { filterOrdersSince, scanJsonl, type ScanResult } from "./jsonl";
import type { BulkFailure, BulkOperationRecord, ShopState } from "./state";

const DAY_MS = 86_400_000;

export interface BulkManagerDeps {
  origin: () => string;
  dataDir: string;
  /** Called once when an operation reaches a final status. */
  onFinish: (op: BulkOperationRecord, shop: ShopState) => void;
}

export interface BulkUserError {
  field: string[] | null;
  message: string;
  code: string;
}

const ACTIVE = new Set(["CREATED", "RUNNING", "CANCELING"]);
const utcNow = () => new Date().toISOString().slice(0, 19) + "Z";

export class BulkManager {
  private seq = 0;
  readonly operations = new Map<number, BulkOperationRecord>();
  private readonly scans = new Map<string, Promise<ScanResult>>();
  private closed = false;

  constructor(private readonly deps: BulkManagerDeps) {
    mkdirSync(deps.dataDir, { recursive: true });
  }

  find(shop: string, id: string): BulkOperationRecord | null {
    const m = /^gid:\/\/shopify\/BulkOperation\/(\d+)$/.exec(id);
    const op = m ? this.operations.get(Number(m[1])) : undefined;
    return op && op.shop === shop ? op : null;
  }

  current(shop: string): BulkOperationRecord | null {
    let latest: BulkOperationRecord | null = null;
    for (const op of this.operations.values()) if (op.shop === shop && (!latest || op.n > latest.n)) latest = op;
    return latest;
  }

  list(shop?: string): BulkOperationRecord[] {
    return [...this.operations.values()].filter((op) => !shop || op.shop === shop);
  }

  byNumber(n: number): BulkOperationRecord | null {
    return this.operations.get(n) ?? null;
  }

  run(
    shop: ShopState,
    args: { query: string; groupObjects: boolean; apiVersion: string },
  ): { ok: true; op: BulkOperationRecord } | { ok: false; userError: BulkUserError } {
    let fields: FieldNode[];
    try {
      const doc = parse(args.query);
      const operation = doc.operations[0];
      if (operation.operation !== "query") throw new Error("bulk queries must be queries");
      fields = rootFields(doc, operation.selections, {});
    } catch (error) {
      return { ok: false, userError: { field: ["query"], message: `Invalid bulk query: ${(error as Error).message}`, code: "INVALID" } };
    }
    if (fields.length !== 1 || !fields[0].selections?.some((s) => s.kind === "Field" && s.name === "edges")) {
      return {
        ok: false,
        userError: { field: ["query"], message: "Bulk queries must contain exactly one top level connection field.", code: "INVALID" },
      };
    }
    const active = this.list(shop.shop).filter((op) => ACTIVE.has(op.status));
    const limit = shop.bulk.maxConcurrent ?? (args.apiVersion >= "2026-01" ? 5 : 1);
    if (active.length >= limit) {
      return limit === 1
        ? {
            ok: false,
            userError: {
              field: null,
              message: `A bulk query operation for this app and shop is already in progress: ${active[0].id}.`,
              code: "OPERATION_IN_PROGRESS",
            },
          }
        : {
            ok: false,
            userError: {
              field: null,
              message: `Bulk operations limit reached (${limit} concurrent bulk query operations per shop). Please try again later.`,
              code: "LIMIT_REACHED",
            },
          };
    }
    const n = ++this.seq;
    const op: BulkOperationRecord = {
      n,
      id: `gid://shopify/BulkOperation/${n}`,
      shop: shop.shop,
      apiVersion: args.apiVersion,
      type: "QUERY",
      query: args.query,
      groupObjects: args.groupObjects,
      status: "CREATED",
      errorCode: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      createdAt: utcNow(),
      completedAt: null,
      filePath: null,
      partialBytes: null,
      failure: shop.bulkFailNext.shift() ?? null,
      timers: [],
      wake: [],
      cancelRequested: false,
    };
    this.operations.set(n, op);
    void this.execute(shop, op, fields[0].name);
    return { ok: true, op };
  }

  /** Returns an error message when the operation can no longer be cancelled. */
  cancel(op: BulkOperationRecord): string | null {
    if (!ACTIVE.has(op.status)) return `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}`;
    op.cancelRequested = true;
    op.status = "CANCELING";
    // Shopify takes a moment to stop a running operation.
    op.timers.push(setTimeout(() => BulkManager.wakeUp(op), 30));
    return null;
  }

  private sleep(ms: number, op: BulkOperationRecord): Promise<void> {
    if (op.cancelRequested || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      op.wake.push(resolve);
      op.timers.push(setTimeout(resolve, Math.max(0, ms)));
    });
  }

  private static wakeUp(op: BulkOperationRecord): void {
    for (const resolve of op.wake.splice(0)) resolve();
  }

  private async execute(shop: ShopState, op: BulkOperationRecord, root: string): Promise<void> {
    const started = Date.now();
    try {
      await this.sleep(shop.bulk.runningAfterMs, op);
      if (this.closed) return;
      if (!op.cancelRequested) op.status = "RUNNING";

      let file: string;
      let failure: BulkFailure | null = op.failure;
      if (root === "orders" && !shop.scopes.includes("read_orders")) {
        failure = { errorCode: "ACCESS_DENIED", partialObjects: 0 };
        file = this.emptyFile();
      } else if (root === "orders") {
        file = await this.ordersFile(shop, op);
        if (!shop.scopes.includes("read_all_orders")) {
          // Without read_all_orders Shopify returns the last 60 days of orders only.
          const now = shop.now ? Date.parse(shop.now) : Date.now();
          const filtered = path.join(this.deps.dataDir, `bulk-${op.n}-60d.jsonl`);
          await filterOrdersSince(file, filtered, now - 60 * DAY_MS);
          file = filtered;
        }
      } else file = this.emptyFile();
      if (this.closed) return;

      const scan = await this.scan(file, (objects, roots) => {
        op.objectCount = objects;
        op.rootObjectCount = roots;
      });
      let partial: ScanResult["partial"];
      if (failure) {
        // Default: half of the objects made it before the failure.
        const k = Math.min(scan.objects, failure.partialObjects ?? Math.floor(scan.objects / 2));
        partial = k <= 0 ? { objects: 0, roots: 0, bytes: 0 } : (await scanJsonl(file, { partialObjects: k })).partial;
      }
      await this.sleep(shop.bulk.completeAfterMs - (Date.now() - started), op);
      if (this.closed) return;

      if (op.cancelRequested) {
        op.status = "CANCELED";
      } else if (failure) {
        op.status = "FAILED";
        op.errorCode = failure.errorCode;
        op.objectCount = partial?.objects ?? 0;
        op.rootObjectCount = partial?.roots ?? 0;
        op.filePath = file;
        op.partialBytes = partial?.bytes ?? 0;
        op.partialDataUrl = partial && partial.objects > 0 ? `${this.deps.origin()}/bulk/${op.n}.partial.jsonl` : null;
      } else {
        op.status = "COMPLETED";
        op.completedAt = utcNow();
        op.objectCount = scan.objects;
        op.rootObjectCount = scan.roots;
        op.filePath = file;
        op.fileSize = scan.objects > 0 ? scan.bytes : null;
        // Shopify gives no file when the query matched nothing.
        op.url = scan.objects > 0 ? `${this.deps.origin()}/bulk/${op.n}.jsonl` : null;
      }
    } catch (error) {
      if (this.closed) return;
      op.status = "FAILED";
      op.errorCode = "INTERNAL_SERVER_ERROR";
      console.error(`admin-api-double: bulk operation ${op.id} failed: ${(error as Error).stack ?? error}`);
    }
    this.deps.onFinish(op, shop);
  }

  private emptyFile(): string {
    const file = path.join(this.deps.dataDir, "empty.jsonl");
    writeFileSync(file, "");
    return file;
  }

  private ordersFile(shop: ShopState, op: BulkOperationRecord): Promise<string> {
    if (shop.bulkFile) return Promise.resolve(path.resolve(shop.bulkFile));
    if (!shop.synthetic) return Promise.resolve(this.emptyFile());
    const variant = op.groupObjects ? "grouped" : "ungrouped";
    let file = shop.generated.get(variant);
    if (!file) {
      const target = path.join(this.deps.dataDir, `${shop.shop}-${variant}.jsonl`);
      file = writeBulkJsonl(syntheticOrders({ currencyCode: shop.currencyCode, ...shop.synthetic }), target, {
        ungrouped: !op.groupObjects,
        onProgress: (stats) => {
          if (op.status === "RUNNING") op.objectCount = stats.lines;
        },
      }).then(() => target);
      shop.generated.set(variant, file);
      file.catch(() => shop.generated.delete(variant));
    }
    return file;
  }

  /** Counts a file's objects; cached by path, size and mtime. */
  private async scan(file: string, onProgress: (objects: number, roots: number) => void): Promise<ScanResult> {
    const st = statSync(file);
    const key = `${file}:${st.size}:${st.mtimeMs}`;
    let scan = this.scans.get(key);
    if (!scan) {
      scan = scanJsonl(file, { onProgress });
      this.scans.set(key, scan);
      scan.catch(() => this.scans.delete(key));
    }
    return scan;
  }

  /** The bulk_operations/finish webhook body, as Shopify sends it. */
  static finishPayload(op: BulkOperationRecord, timeZone: string) {
    const local = (iso: string | null) => (iso ? isoInZone(Date.parse(iso), timeZone) : null);
    return {
      admin_graphql_api_id: op.id,
      completed_at: local(op.completedAt ?? utcNow()),
      created_at: local(op.createdAt),
      error_code: op.errorCode ? op.errorCode.toLowerCase() : null,
      status: op.status.toLowerCase(),
      type: op.type.toLowerCase(),
    };
  }

  close(): void {
    this.closed = true;
    for (const op of this.operations.values()) {
      for (const t of op.timers) clearTimeout(t);
      BulkManager.wakeUp(op);
    }
  }
}
