// Reads a JSONL file over HTTP line by line, in constant memory, from a byte offset: after an interrupted
// download the next attempt asks for `Range: bytes=<offset>-` and carries on where the last fully
// imported line ended. Each line comes with the offset just past it, which is what progress records.

export interface JsonlLine {
  text: string;
  /** Byte offset just past this line's newline, in the whole file. */
  endOffset: number;
}

export async function* streamJsonl(url: string, startOffset = 0, fetchImpl: typeof fetch = fetch): AsyncGenerator<JsonlLine> {
  const response = await fetchImpl(url, startOffset > 0 ? { headers: { Range: `bytes=${startOffset}-` } } : {});
  if (startOffset > 0 && response.status === 200) {
    // The server ignored the range: skip what was already imported.
    yield* linesFrom(response, 0, startOffset);
    return;
  }
  if (!(response.ok || response.status === 206)) throw new Error(`bulk file download failed: HTTP ${response.status}`);
  yield* linesFrom(response, startOffset, startOffset);
}

async function* linesFrom(response: Response, bodyStartsAt: number, skipBefore: number): AsyncGenerator<JsonlLine> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let offset = bodyStartsAt; // offset of the first pending byte
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, i);
      const lineBytes = pendingBytes + piece.length;
      const text = pending.length === 0 ? decoder.decode(piece) : decoder.decode(concat([...pending, piece], lineBytes));
      pending = [];
      pendingBytes = 0;
      const endOffset = offset + lineBytes + 1;
      offset = endOffset;
      start = i + 1;
      if (endOffset > skipBefore && text.trim() !== "") yield { text, endOffset };
    }
    if (start < chunk.length) {
      // Copy: the stream may reuse its buffer.
      pending.push(chunk.slice(start));
      pendingBytes += chunk.length - start;
    }
  }
  if (pendingBytes > 0) {
    const text = decoder.decode(concat(pending, pendingBytes));
    const endOffset = offset + pendingBytes;
    if (endOffset > skipBefore && text.trim() !== "") yield { text, endOffset };
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
