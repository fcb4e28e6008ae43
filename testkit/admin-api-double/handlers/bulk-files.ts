// GET /bulk/<n>.jsonl and /bulk/<n>.partial.jsonl: a bulk operation's result file (or the partial data of
// a failed one), with HTTP Range (bytes=N-, N-M, -N → 206; unsatisfiable → 416) and the injected download
// cuts that drop the connection mid-body.
import { createReadStream, statSync } from "node:fs";
import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DoubleState } from "../double-state";

const NO_SUCH_KEY =
  "<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>";

/** The byte range to send, or null when the Range header cannot be satisfied. Without a header: the whole file. */
export function byteRange(header: string | undefined, size: number): { start: number; end: number; partial: boolean } | null {
  if (!header) return { start: 0, end: size - 1, partial: false };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number;
  let end = size - 1;
  if (m[1] === "")
    start = Math.max(0, size - Number(m[2])); // suffix: the last N bytes
  else {
    start = Number(m[1]);
    if (m[2] !== "") end = Math.min(end, Number(m[2]));
  }
  return start < size && start <= end ? { start, end, partial: true } : null;
}

/** Takes the next pending download cut, if any: how many body bytes this download may send. */
function takeDownloadCut(state: DoubleState): number | null {
  const cut = state.downloadCuts.find((c) => c.remaining > 0);
  if (!cut) return null;
  cut.remaining--;
  if (cut.remaining <= 0) state.downloadCuts.splice(state.downloadCuts.indexOf(cut), 1);
  return cut.bytes;
}

export async function serveBulkFile(
  state: DoubleState,
  req: IncomingMessage,
  res: ServerResponse,
  n: number,
  partial: boolean,
): Promise<void> {
  const op = state.bulk.byNumber(n);
  const file = op?.filePath;
  if (!op || !file || (partial ? op.partialDataUrl === null : op.url === null)) {
    res.writeHead(404, { "Content-Type": "application/xml; charset=UTF-8" });
    res.end(NO_SUCH_KEY);
    return;
  }
  const size = partial ? (op.partialBytes ?? 0) : statSync(file).size;
  const range = byteRange(req.headers.range, size);
  if (!range) {
    res.writeHead(416, { "Content-Range": `bytes */${size}`, "Content-Type": "text/plain" });
    res.end("Requested range not satisfiable");
    return;
  }
  const { start, end } = range;
  const length = size === 0 ? 0 : end - start + 1;
  const headers: Record<string, string | number> = {
    "Content-Type": "application/jsonl",
    "Content-Length": length,
    "Accept-Ranges": "bytes",
    "Content-Disposition": `attachment; filename="bulk-${op.n}.jsonl"`,
    ETag: `"${op.n}-${size}"`,
  };
  if (range.partial) headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range.partial ? 206 : 200, headers);
  if (req.method === "HEAD" || length === 0) {
    res.end();
    return;
  }
  const cutAfter = takeDownloadCut(state);
  const sendUntil = cutAfter === null ? end : Math.min(end, start + cutAfter - 1);
  if (sendUntil >= start) {
    for await (const chunk of createReadStream(file, { start, end: sendUntil })) {
      if (!res.write(chunk)) await once(res, "drain");
    }
  }
  if (sendUntil < end) {
    // Let the bytes reach the client, then drop the connection mid-body.
    await new Promise<void>((r) => res.write(Buffer.alloc(0), () => r()));
    res.socket?.destroy();
    return;
  }
  res.end();
}
