// Bulk operations: CREATED → RUNNING → COMPLETED (or FAILED / CANCELED), then the result file is served
// at <origin>/bulk/<n>.jsonl. A bulk query counts the objects of the shop's orders file as they are
// "processed" (shops configured with `synthetic` options get it generated on the first run, cached per
// shop). A bulk mutation runs its mutation once per line of the staged variables file, through the same
// resolvers as the API (no rate limit), and writes one result line per input line.
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isoInZone } from "../synthetic-shop/format";
import { syntheticOrders } from "../synthetic-shop/generator";
import { writeBulkJsonl } from "../synthetic-shop/bulk-jsonl";
import { checkBulkMutation, readVariablesFile } from "./bulk-mutation";
import { parse, rootFields, type FieldNode, type Variables } from "./graphql-lite/index";
import { filterOrdersSince, scanJsonl, type ScanResult } from "./jsonl";
import type { BulkFailure, BulkOperationRecord, ShopState } from "./state";

const DAY_MS = 86_400_000;

export interface BulkManagerDeps {
  origin: () => string;
  dataDir: string;
  /** Called once when an operation reaches a final status. */
  onFinish: (op: BulkOperationRecord, shop: ShopState) => void;
  /** Runs `mutation` with one line's variables: the line's answer ({ data } and/or { errors }). */
  runMutationLine: (shop: ShopState, mutation: string, variables: Variables, apiVersion: string) => Promise<Record<string, unknown>>;
}

type RunResult = { ok: true; op: BulkOperationRecord } | { ok: false; userError: BulkUserError };

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

  /** The shop's latest bulk operation of this type. */
  current(shop: string, type: BulkOperationRecord["type"] = "QUERY"): BulkOperationRecord | null {
    let latest: BulkOperationRecord | null = null;
    for (const op of this.operations.values()) if (op.shop === shop && op.type === type && (!latest || op.n > latest.n)) latest = op;
    return latest;
  }

  list(shop?: string): BulkOperationRecord[] {
    return [...this.operations.values()].filter((op) => !shop || op.shop === shop);
  }

  byNumber(n: number): BulkOperationRecord | null {
    return this.operations.get(n) ?? null;
  }

  run(shop: ShopState, args: { query: string; groupObjects: boolean; apiVersion: string }): RunResult {
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
    const refused = this.concurrencyError(shop, "QUERY", args.apiVersion);
    if (refused) return { ok: false, userError: refused };
    const op = this.record(shop, { type: "QUERY", query: args.query, groupObjects: args.groupObjects, apiVersion: args.apiVersion });
    void this.execute(shop, op, fields[0].name);
    return { ok: true, op };
  }

  /** Starts a bulk mutation of the uploaded variables file, once the mutation and the file pass the checks. */
  async runMutation(
    shop: ShopState,
    args: { mutation: string; variablesFile: string; stagedUploadPath: string; clientIdentifier: string | null; apiVersion: string },
  ): Promise<RunResult> {
    const checked = checkBulkMutation(args.mutation);
    if (!checked.ok) return { ok: false, userError: { field: ["mutation"], message: checked.message, code: "INVALID_MUTATION" } };
    const file = await readVariablesFile(args.variablesFile);
    if (!file.ok)
      return { ok: false, userError: { field: ["stagedUploadPath"], message: file.message, code: "INVALID_STAGED_UPLOAD_FILE" } };
    const refused = this.concurrencyError(shop, "MUTATION", args.apiVersion);
    if (refused) return { ok: false, userError: refused };
    const op = this.record(shop, {
      type: "MUTATION",
      query: args.mutation,
      groupObjects: false,
      apiVersion: args.apiVersion,
      stagedUploadPath: args.stagedUploadPath,
      clientIdentifier: args.clientIdentifier,
    });
    void this.executeMutation(shop, op, file.lines);
    return { ok: true, op };
  }

  /** From API 2026-01 five bulk queries and five bulk mutations may run at once per shop; before, one of each. */
  private concurrencyError(shop: ShopState, type: BulkOperationRecord["type"], apiVersion: string): BulkUserError | null {
    const active = this.list(shop.shop).filter((op) => op.type === type && ACTIVE.has(op.status));
    const limit = shop.bulk.maxConcurrent ?? (apiVersion >= "2026-01" ? 5 : 1);
    if (active.length < limit) return null;
    const kind = type === "QUERY" ? "query" : "mutation";
    if (limit === 1)
      return {
        field: null,
        message: `A bulk ${kind} operation for this app and shop is already in progress: ${active[0].id}.`,
        code: "OPERATION_IN_PROGRESS",
      };
    return {
      field: null,
      message: `Bulk operations limit reached (${limit} concurrent bulk ${kind} operations per shop). Please try again later.`,
      code: "LIMIT_REACHED",
    };
  }

  private record(
    shop: ShopState,
    fields: Pick<BulkOperationRecord, "type" | "query" | "groupObjects" | "apiVersion"> &
      Partial<Pick<BulkOperationRecord, "stagedUploadPath" | "clientIdentifier">>,
  ): BulkOperationRecord {
    const n = ++this.seq;
    const op: BulkOperationRecord = {
      n,
      id: `gid://shopify/BulkOperation/${n}`,
      shop: shop.shop,
      stagedUploadPath: null,
      clientIdentifier: null,
      ...fields,
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
    return op;
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

  private async executeMutation(shop: ShopState, op: BulkOperationRecord, lines: Variables[]): Promise<void> {
    const started = Date.now();
    try {
      await this.sleep(shop.bulk.runningAfterMs, op);
      if (this.closed) return;
      if (!op.cancelRequested) op.status = "RUNNING";
      const failure = op.failure;
      // A failing run stops part way (default half): the lines before it took effect, as on Shopify.
      const stopAt = failure ? Math.min(lines.length, Math.max(0, failure.partialObjects ?? Math.floor(lines.length / 2))) : lines.length;
      const rate = shop.bulk.mutationLinesPerSecond;
      const runningSince = Date.now();
      const results: string[] = [];
      let bytes = 0;
      for (let i = 0; i < stopAt && !op.cancelRequested && !this.closed; i++) {
        const answer = await this.deps.runMutationLine(shop, op.query, lines[i], op.apiVersion);
        const line = JSON.stringify({ ...answer, __lineNumber: i }) + "\n";
        results.push(line);
        bytes += Buffer.byteLength(line);
        op.objectCount = i + 1;
        op.rootObjectCount = i + 1;
        if (rate && rate > 0) await this.sleep(runningSince + ((i + 1) * 1000) / rate - Date.now(), op);
        else if (i % 200 === 199) await new Promise((r) => setImmediate(r)); // let API requests in between
      }
      if (this.closed) return;
      const file = path.join(this.deps.dataDir, `bulk-${op.n}-result.jsonl`);
      writeFileSync(file, results.join(""));
      await this.sleep(shop.bulk.completeAfterMs - (Date.now() - started), op);
      if (this.closed) return;

      op.filePath = file;
      if (op.cancelRequested) {
        op.status = "CANCELED";
      } else if (failure) {
        op.status = "FAILED";
        op.errorCode = failure.errorCode;
        op.partialBytes = bytes;
        op.partialDataUrl = bytes > 0 ? `${this.deps.origin()}/bulk/${op.n}.partial.jsonl` : null;
      } else {
        op.status = "COMPLETED";
        op.completedAt = utcNow();
        op.fileSize = bytes > 0 ? bytes : null;
        op.url = bytes > 0 ? `${this.deps.origin()}/bulk/${op.n}.jsonl` : null;
      }
    } catch (error) {
      if (this.closed) return;
      op.status = "FAILED";
      op.errorCode = "INTERNAL_SERVER_ERROR";
      console.error(`admin-api-double: bulk mutation ${op.id} failed: ${(error as Error).stack ?? error}`);
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
