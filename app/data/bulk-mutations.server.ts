// Many writes at once through Shopify's bulk mutations, which run outside the rate limit: the lines of each
// mutation are uploaded as JSONL (stagedUploadsCreate, then a multipart POST of the file to the returned
// target), started with bulkOperationRunMutation, polled until final, and their result file read back: a
// line counts as written only when its result has data and no errors or userErrors. Each line belongs to an
// owner (a customer); the caller learns which owners had a line fail, and keeps or retries them.
import {
  BULK_OPERATION_RUN_MUTATION,
  LOYALTY_BULK_STATUS,
  STAGED_UPLOADS_CREATE,
  type BulkOperationRunMutationData,
  type LoyaltyBulkStatusData,
  type StagedUploadsCreateData,
} from "~/shopify/loyalty-operations";
import { MUTATION_COST, type AdminPacer } from "./admin-pacer.server";

/** A file stays well below Shopify's (reported, unconfirmed) 20 MB limit for bulk mutation variables. */
export const BULK_FILE_BYTES = 12 * 1024 * 1024;
/** Shopify allows 5 bulk mutations per shop at once from API 2026-01; one is left for other jobs. */
export const BULK_CONCURRENCY = 4;
const FINAL_STATUSES = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

export interface BulkLine {
  owner: string;
  variables: unknown;
}

export interface BulkRunOptions {
  /** Used between polls; the worker's keeps its job lock (and the shop's lease) alive. */
  sleep: (ms: number) => Promise<void>;
  pollMs?: number;
  /** Give up waiting after this; the operation's owners then count as failed (retried by a later sync). */
  timeoutMs?: number;
  concurrency?: number;
  /** Names the uploaded files and the operations' clientIdentifier. */
  label: string;
  fileBytes?: number;
}

export interface BulkRunResult {
  operations: number;
  failedOwners: Set<string>;
}

interface BulkFile {
  mutation: string;
  lines: string[];
  owners: string[];
}

/** Lines grouped by mutation, each group cut into files of at most `maxBytes`. */
export function bulkFiles(byMutation: ReadonlyMap<string, readonly BulkLine[]>, maxBytes = BULK_FILE_BYTES): BulkFile[] {
  const files: BulkFile[] = [];
  for (const [mutation, lines] of byMutation) {
    let file: BulkFile | null = null;
    let bytes = 0;
    for (const line of lines) {
      const text = JSON.stringify(line.variables);
      const size = Buffer.byteLength(text) + 1;
      if (file === null || bytes + size > maxBytes) {
        file = { mutation, lines: [], owners: [] };
        files.push(file);
        bytes = 0;
      }
      file.lines.push(text);
      file.owners.push(line.owner);
      bytes += size;
    }
  }
  return files;
}

async function start(pacer: AdminPacer, file: BulkFile, name: string): Promise<string> {
  const staged = await pacer.call<StagedUploadsCreateData>(
    STAGED_UPLOADS_CREATE,
    { input: [{ resource: "BULK_MUTATION_VARIABLES", filename: `${name}.jsonl`, mimeType: "text/jsonl", httpMethod: "POST" }] },
    MUTATION_COST,
  );
  const target = staged.stagedUploadsCreate.stagedTargets[0];
  if (!target) {
    const reasons = staged.stagedUploadsCreate.userErrors.map((e) => e.message).join("; ");
    throw new Error(`stagedUploadsCreate: ${reasons || "no target"}`);
  }
  // The target's parameters first, the file last: the bucket ignores fields after the file.
  const form = new FormData();
  for (const parameter of target.parameters) form.append(parameter.name, parameter.value);
  form.append("file", new Blob([file.lines.join("\n") + "\n"], { type: "text/jsonl" }), `${name}.jsonl`);
  const upload = await fetch(target.url, { method: "POST", body: form, signal: AbortSignal.timeout(120_000) });
  if (upload.status >= 300) throw new Error(`staged upload answered HTTP ${upload.status}: ${(await upload.text()).slice(0, 200)}`);
  await upload.body?.cancel();
  const key = target.parameters.find((p) => p.name === "key")?.value;
  if (!key) throw new Error("the staged upload target has no key");
  const run = await pacer.call<BulkOperationRunMutationData>(
    BULK_OPERATION_RUN_MUTATION,
    { mutation: file.mutation, stagedUploadPath: key, clientIdentifier: name },
    MUTATION_COST,
  );
  const operation = run.bulkOperationRunMutation.bulkOperation;
  if (!operation) throw new Error(`bulkOperationRunMutation: ${run.bulkOperationRunMutation.userErrors.map((e) => e.message).join("; ")}`);
  return operation.id;
}

/** Waits for the operation, then reads its results: the owners of the lines that did not succeed. */
async function finish(pacer: AdminPacer, id: string, file: BulkFile, options: BulkRunOptions): Promise<Set<string>> {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const { node } = await pacer.call<LoyaltyBulkStatusData>(LOYALTY_BULK_STATUS, { id }, 1);
    if (node && FINAL_STATUSES.has(node.status)) {
      const url = node.url ?? node.partialDataUrl;
      const succeeded = new Set<number>();
      if (url) {
        const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
        for (const text of (await response.text()).split("\n")) {
          if (text.trim() === "") continue;
          const result = JSON.parse(text) as {
            __lineNumber?: number;
            errors?: unknown[];
            data?: Record<string, { userErrors?: unknown[] } | null>;
          };
          const payload = result.data ? Object.values(result.data)[0] : null;
          const ok = !result.errors?.length && payload != null && (payload.userErrors?.length ?? 0) === 0;
          if (ok && typeof result.__lineNumber === "number") succeeded.add(result.__lineNumber);
        }
      }
      return new Set(file.owners.filter((_, line) => !succeeded.has(line)));
    }
    if (Date.now() > deadline) return new Set(file.owners);
    await options.sleep(options.pollMs ?? 2_000);
  }
}

/** Runs every file, `concurrency` at a time; an upload or start that fails fails its file's owners. */
export async function runBulkMutations(
  pacer: AdminPacer,
  byMutation: ReadonlyMap<string, readonly BulkLine[]>,
  options: BulkRunOptions,
): Promise<BulkRunResult> {
  const files = bulkFiles(byMutation, options.fileBytes);
  const failedOwners = new Set<string>();
  let operations = 0;
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const n = next++;
      const file = files[n];
      try {
        const id = await start(pacer, file, `${options.label}-${n}`);
        operations += 1;
        for (const owner of await finish(pacer, id, file, options)) failedOwners.add(owner);
      } catch {
        // Refused, or Shopify unreachable: these owners are written by a later sync.
        for (const owner of file.owners) failedOwners.add(owner);
      }
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? BULK_CONCURRENCY, files.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { operations, failedOwners };
}
