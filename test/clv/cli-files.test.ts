import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { csvLine, readCsvRecords } from "../../scripts/clv-cli/csv.ts";
import { csvRecordsOfFile, linesOfFile } from "../../scripts/clv-cli/file-text.ts";

const directory = mkdtempSync(join(tmpdir(), "clv-files-"));

describe("chunked file reading", () => {
  const text = [
    "\ufeffname,note,amount",
    'Zoë,"a note, with ""quotes""",1',
    '"Ångström","two\r\nlines",2',
    "",
    "plain,€ sign,3",
    '"ends","in a quote"',
  ].join("\r\n");
  const path = join(directory, "chunks.csv");
  writeFileSync(path, text);

  it("yields the same records and line numbers for every chunk size", () => {
    const whole = [...readCsvRecords(text)];
    expect(whole.map((r) => r.line)).toEqual([1, 2, 3, 6, 7]);
    expect(whole[2].fields).toEqual(["Ångström", "two\r\nlines", "2"]);
    for (const chunkBytes of [1, 2, 3, 5, 7, 16, 64, 1 << 20]) {
      expect([...csvRecordsOfFile(path, chunkBytes)], `chunk ${chunkBytes}`).toEqual(whole);
    }
  });

  it("yields lines with their numbers for every chunk size", () => {
    const linesPath = join(directory, "lines.txt");
    writeFileSync(linesPath, "a 1\r\nb ü 2\n\nc 3");
    for (const chunkBytes of [1, 2, 4, 1024]) {
      expect([...linesOfFile(linesPath, chunkBytes)]).toEqual([
        { text: "a 1", line: 1 },
        { text: "b ü 2", line: 2 },
        { text: "", line: 3 },
        { text: "c 3", line: 4 },
      ]);
    }
  });

  it("round-trips fields through the writer", () => {
    const fields = ["plain", "with,comma", 'with "quote"', "two\nlines", " padded ", ""];
    expect([...readCsvRecords(`${csvLine(fields)}\n`)][0].fields).toEqual(fields);
  });

  it("writes a formula-like customer id so that a spreadsheet shows it instead of running it", () => {
    expect([...readCsvRecords(`${csvLine(['=HYPERLINK("x")', "@SUM(1)", "+1", "-2"])}\n`)][0].fields).toEqual([
      '\'=HYPERLINK("x")',
      "'@SUM(1)",
      "'+1",
      "'-2",
    ]);
  });
});
