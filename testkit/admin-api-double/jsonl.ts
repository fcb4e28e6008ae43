// Streaming helpers over bulk JSONL files: count objects and root objects (lines without "__parentId"),
// find the byte offset after the first K objects (a failed operation's partial data), and keep only
// recent orders (a shop without read_all_orders sees 60 days). All in constant memory except the
// recent-orders filter, which keeps the ids of the orders it keeps.
import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";

export interface ScanResult {
  objects: number;
  roots: number;
  bytes: number;
  /** When `partialObjects` was asked: bytes and counts of the first K objects. */
  partial?: { objects: number; roots: number; bytes: number };
}

async function* lines(file: string): AsyncGenerator<{ line: string; bytes: number }> {
  let rest = "";
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const line = text.slice(start, nl);
      start = nl + 1;
      yield { line, bytes: Buffer.byteLength(line, "utf8") + 1 };
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) yield { line: rest, bytes: Buffer.byteLength(rest, "utf8") };
}

const isChild = (line: string) => line.includes('"__parentId"');

export async function scanJsonl(
  file: string,
  options: { partialObjects?: number; onProgress?: (objects: number, roots: number) => void; signal?: AbortSignal } = {},
): Promise<ScanResult> {
  const result: ScanResult = { objects: 0, roots: 0, bytes: 0 };
  const k = options.partialObjects;
  if (k !== undefined && k <= 0) result.partial = { objects: 0, roots: 0, bytes: 0 };
  for await (const { line, bytes } of lines(file)) {
    if (options.signal?.aborted) throw new Error("scan aborted");
    result.bytes += bytes;
    if (line.trim() === "") continue;
    result.objects++;
    if (!isChild(line)) result.roots++;
    if (k !== undefined && result.objects === k) result.partial = { objects: result.objects, roots: result.roots, bytes: result.bytes };
    if (options.onProgress && result.objects % 50_000 === 0) options.onProgress(result.objects, result.roots);
  }
  if (k !== undefined && !result.partial) result.partial = { objects: result.objects, roots: result.roots, bytes: result.bytes };
  return result;
}

/**
 * Copies the orders created at or after `cutoffMs` and their children (which may come before their
 * order in an ungrouped file: hence two passes).
 */
export async function filterOrdersSince(source: string, target: string, cutoffMs: number): Promise<void> {
  const kept = new Set<string>();
  for await (const { line } of lines(source)) {
    if (line.trim() === "" || isChild(line)) continue;
    const object = JSON.parse(line) as { id: string; createdAt?: string };
    if (object.createdAt && Date.parse(object.createdAt) >= cutoffMs) kept.add(object.id);
  }
  const out = createWriteStream(target);
  let buffer = "";
  for await (const { line } of lines(source)) {
    if (line.trim() === "") continue;
    let keep: boolean;
    if (isChild(line)) keep = kept.has((JSON.parse(line) as { __parentId: string }).__parentId);
    else keep = kept.has((JSON.parse(line) as { id: string }).id);
    if (!keep) continue;
    buffer += line + "\n";
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  out.end(buffer);
  await once(out, "finish");
}
