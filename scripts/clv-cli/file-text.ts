/**
 * Reading input files in chunks, so that files larger than the longest
 * JavaScript string (about 512 MB) work and memory stays bounded by the
 * parsed columns, not the text.
 */

import { closeSync, openSync, readSync } from "node:fs";
import { completeRecordsLength, countLineFeeds, CsvSyntaxError, readCsvRecords, type CsvRecord } from "./csv.ts";

const CHUNK_BYTES = 16 * 1024 * 1024;
/** A record longer than this is taken for an unclosed quote (else it would swallow the whole file). */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/** The file's text, decoded as UTF-8, in chunks (a multi-byte character is never split). */
export function* textChunks(path: string, chunkBytes = CHUNK_BYTES): Generator<string> {
  const descriptor = openSync(path, "r");
  try {
    const decoder = new TextDecoder("utf-8");
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const bytes = readSync(descriptor, buffer, 0, chunkBytes, null);
      if (bytes === 0) break;
      yield decoder.decode(buffer.subarray(0, bytes), { stream: true });
    }
    const rest = decoder.decode();
    if (rest !== "") yield rest;
  } finally {
    closeSync(descriptor);
  }
}

/** The beginning of the file (up to one chunk), for format detection and the empty-file check. */
export function fileHead(path: string, bytes = 64 * 1024): string {
  const first = textChunks(path, bytes).next();
  return first.done ? "" : first.value;
}

/**
 * CSV records of a file read in chunks: each chunk is cut after its last
 * record break and the remainder carried into the next, so records (also
 * quoted fields with line breaks) never straddle a parse; line numbers are
 * the file's.
 */
export function* csvRecordsOfFile(path: string, chunkBytes = CHUNK_BYTES): Generator<CsvRecord> {
  let carry = "";
  let line = 1;
  let first = true;
  for (const chunk of textChunks(path, chunkBytes)) {
    let text = carry + chunk;
    if (text === "") continue; // a chunk that ended inside a multi-byte character
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    const end = completeRecordsLength(text);
    if (end === 0) {
      if (text.length > MAX_RECORD_CHARS) {
        throw new CsvSyntaxError("a quoted field is not closed (the record runs on for more than 64 MB)", line);
      }
      carry = text;
      continue;
    }
    yield* readCsvRecords(text.slice(0, end), line);
    line += countLineFeeds(text, end);
    carry = text.slice(end);
  }
  if (carry !== "") yield* readCsvRecords(carry, line);
}

/** Lines of a file (without their line breaks) with their line numbers, read in chunks. */
export function* linesOfFile(path: string, chunkBytes = CHUNK_BYTES): Generator<{ text: string; line: number }> {
  let carry = "";
  let line = 1;
  for (const chunk of textChunks(path, chunkBytes)) {
    const text = carry + chunk;
    const parts = text.split("\n");
    carry = parts.pop() ?? "";
    for (const part of parts) yield { text: part.endsWith("\r") ? part.slice(0, -1) : part, line: line++ };
  }
  if (carry !== "") yield { text: carry.endsWith("\r") ? carry.slice(0, -1) : carry, line };
}
