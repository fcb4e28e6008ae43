/**
 * A small RFC 4180 CSV reader and writer.
 *
 * Reader: fields separated by commas, records by CRLF or LF; a field in
 * double quotes may hold commas, line breaks and doubled quotes (""). Each
 * record carries the line number it starts on (1-based, counting the line
 * breaks inside quoted fields), so errors can point at the file's line. A
 * UTF-8 byte-order mark at the start is skipped.
 */

import { csvField as csvFieldOfApp } from "../../app/lib/csv.ts";

export interface CsvRecord {
  fields: string[];
  /** Line of the file on which the record starts (1-based). */
  line: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Yields the records of a CSV text; blank lines are skipped. `firstLine` is
 * the file line of the text's first character (for texts read in chunks).
 */
export function* readCsvRecords(text: string, firstLine = 1): Generator<CsvRecord> {
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = firstLine;
  const length = text.length;
  while (position < length) {
    const recordLine = line;
    const fields: string[] = [];
    let endOfRecord = false;
    while (!endOfRecord) {
      if (text.charCodeAt(position) === QUOTE) {
        // Quoted field: runs to the next quote that is not doubled.
        const fieldLine = line;
        let value = "";
        let chunkStart = position + 1;
        let cursor = chunkStart;
        for (;;) {
          if (cursor >= length) throw new CsvSyntaxError("a quoted field is not closed before the end of the file", fieldLine);
          const code = text.charCodeAt(cursor);
          if (code === QUOTE) {
            if (text.charCodeAt(cursor + 1) === QUOTE) {
              value += text.slice(chunkStart, cursor + 1);
              cursor += 2;
              chunkStart = cursor;
              continue;
            }
            value += text.slice(chunkStart, cursor);
            cursor++;
            break;
          }
          if (code === LF) line++;
          cursor++;
        }
        fields.push(value);
        position = cursor;
        if (position >= length) {
          endOfRecord = true;
          continue;
        }
        const next = text.charCodeAt(position);
        if (next === COMMA) {
          position++;
          if (position >= length) fields.push("");
        } else if (next === CR || next === LF) {
          position += next === CR && text.charCodeAt(position + 1) === LF ? 2 : 1;
          line++;
          endOfRecord = true;
        } else {
          throw new CsvSyntaxError("unexpected character after a closing quote (a quote inside a field must be doubled)", line);
        }
      } else {
        // Unquoted field: up to the next comma or line break.
        let cursor = position;
        let code = 0;
        while (cursor < length) {
          code = text.charCodeAt(cursor);
          if (code === COMMA || code === LF || code === CR) break;
          cursor++;
        }
        fields.push(text.slice(position, cursor));
        if (cursor >= length) {
          position = length;
          endOfRecord = true;
        } else if (code === COMMA) {
          position = cursor + 1;
          // A trailing comma at the very end of the file still makes an empty last field.
          if (position >= length) fields.push("");
        } else {
          position = code === CR && text.charCodeAt(cursor + 1) === LF ? cursor + 2 : cursor + 1;
          line++;
          endOfRecord = true;
        }
      }
    }
    if (fields.length === 1 && fields[0] === "") continue; // blank line
    yield { fields, line: recordLine };
  }
}

/**
 * Length of the longest prefix of `text` that ends with a record break (a
 * line feed outside quotes), 0 if there is none. Outside quotes means after
 * an even number of quote characters, counting from the text's start (a
 * record start); doubled quotes inside fields keep the parity.
 */
export function completeRecordsLength(text: string): number {
  let quotes = 0;
  let end = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) quotes++;
    else if (code === LF && (quotes & 1) === 0) end = i + 1;
  }
  return end;
}

/** Number of line feeds in text[0, end). */
export function countLineFeeds(text: string, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === LF) count++;
  return count;
}

/**
 * One CSV field of free text (customer ids and names from the merchant's file): the app's one CSV writer,
 * with its guard against spreadsheet formulas (a value starting with = + - @ gets a leading ').
 */
export function csvField(value: string): string {
  return csvFieldOfApp(value, { text: true });
}

/** One CSV line of free-text fields (without the line break). */
export function csvLine(values: readonly string[]): string {
  return values.map(csvField).join(",");
}
