import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runClvCli } from "../../scripts/clv-cli/main.ts";
import { readCsvRecords } from "../../scripts/clv-cli/csv.ts";
import { CDNOW_TRANSACTIONS_PATH } from "./helpers.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "clv-cli-"));
});

function file(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runClvCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/** Every numeric-looking output field must be a finite number; predictions may be empty (null). */
function expectFiniteCsv(csv: string): string[][] {
  const [header, ...rows] = [...readCsvRecords(csv)].map((record) => record.fields);
  expect(header).toEqual([
    "customer_id",
    "orders",
    "historic_value",
    "frequency",
    "recency",
    "T",
    "expected_purchases",
    "p_alive",
    "expected_average_value",
    "predicted_clv",
    "purchases_low",
    "purchases_high",
    "clv_low",
    "clv_high",
    "holdout_expected",
    "holdout_actual",
    "holdout_low",
    "holdout_high",
    "segment",
  ]);
  for (const row of rows) {
    for (let column = 1; column <= 17; column++) {
      const value = row[column];
      if (column >= 6 && value === "") continue;
      expect(Number.isFinite(Number(value)) && value.trim() !== "", `${header[column]} = "${value}" in ${row.join(",")}`).toBe(true);
    }
  }
  return rows;
}

describe("clv CLI on the CDNOW sample", () => {
  it("reproduces the published fit and the holdout comparison (1,653 predicted; 1,788 customer-weeks observed)", () => {
    const out = join(directory, "cdnow.csv");
    const { code, stdout, stderr } = run([CDNOW_TRANSACTIONS_PATH, "--period", "week", "--calibration-end", "1997-09-30", "--out", out]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/cdnow format\): 6,919 rows, 6,919 transactions/);
    expect(stdout).toMatch(/Customers: 2,357 \(946 repeat\)/);
    expect(stdout).toMatch(/log-likelihood -9582\.43, converged/);
    expect(stdout).toMatch(/\n {2}r +0\.2426/);
    expect(stdout).toMatch(/\n {2}alpha +4\.41\d\d/);
    expect(stdout).toMatch(/\n {2}a +0\.7929/);
    expect(stdout).toMatch(/\n {2}b +2\.42\d\d/);
    expect(stdout).toMatch(/Gamma-Gamma .* log-likelihood -4055\.92/);
    expect(stdout).toMatch(/\n {2}p +6\.24\d\d/);
    expect(stdout).toMatch(/frequency–monetary correlation 0\.114/);
    expect(stdout).toMatch(/predicted purchases 1653\.4; actual purchase days 1,882 \(distinct customer-weeks, Monday to Sunday: 1,788\)/);
    expect(stdout).toMatch(/\n {2}0 +1,411 +317\.6 +334 /);
    const rows = expectFiniteCsv(readFileSync(out, "utf8"));
    expect(rows).toHaveLength(2357);
    expect(rows[0].slice(0, 4)).toEqual(["1", "3", "74.02", "2"]);
    expect(Number(rows[0][9])).toBeCloseTo(36.27, 2);
    // The backtest: every model at each of three cut-offs, against the naive baseline, and the choice.
    expect(stdout).toMatch(/Model: BG\/NBD \(chosen by the backtest\)/);
    expect(stdout).toMatch(/Backtest: 3 cut-offs, each followed by a holdout of 54 days/);
    const cutoffBlocks = stdout.split("  calibration to ").slice(1);
    expect(cutoffBlocks).toHaveLength(3);
    for (const block of cutoffBlocks) {
      for (const name of ["baseline", "BG/NBD", "MBG/NBD", "Pareto/NBD"]) expect(block).toContain(`\n    ${name} `);
    }
    // Holdout columns and intervals per customer: the holdout purchases add up to the 1,882 purchase days.
    const holdoutActual = rows.reduce((sum, row) => sum + Number(row[15]), 0);
    expect(holdoutActual).toBe(1882);
    for (const row of rows) {
      expect(Number(row[10])).toBeLessThanOrEqual(Number(row[11]));
      expect(Number(row[16])).toBeLessThanOrEqual(Number(row[17]));
    }
    expect(stdout).toMatch(/per-customer RMSE 1\.6080; .* fractional \(PIT\) coverage 79\.\d% \(nominal 80%\)/);
  });

  it("fits a requested model and ends the holdout at --holdout-end", () => {
    const out = join(directory, "cdnow-pareto.csv");
    const { code, stdout } = run([
      CDNOW_TRANSACTIONS_PATH,
      "--model",
      "paretonbd",
      "--calibration-end",
      "1997-09-30",
      "--holdout-end",
      "1997-12-31",
      "--out",
      out,
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Model: Pareto\/NBD \(requested\)/);
    expect(stdout).toMatch(/Pareto\/NBD \(time unit: week\) log-likelihood -9594\.98, converged/);
    expect(stdout).toMatch(/Holdout 1997-10-01 \.\. 1997-12-31 \(13\.14 weeks\)/);
    // Purchase days from 1997-10-01 to 1997-12-31, counted from the raw file here.
    const days = new Set<string>();
    for (const line of readFileSync(CDNOW_TRANSACTIONS_PATH, "utf8").split(/\r?\n/)) {
      const [, id, date] = line.trim().split(/\s+/);
      if (date && date >= "19971001" && date <= "19971231") days.add(`${Number(id)} ${date}`);
    }
    const rows = expectFiniteCsv(readFileSync(out, "utf8"));
    expect(rows.reduce((sum, row) => sum + Number(row[15]), 0)).toBe(days.size);
    expect(stdout).toContain(`actual purchase days ${days.size.toLocaleString("en-US")}`);
  });

  it("runs as a process (npx tsx scripts/clv-cli.ts) with JSON on stdout and the report on stderr", () => {
    const result = spawnSync(
      "npx",
      [
        "tsx",
        "scripts/clv-cli.ts",
        CDNOW_TRANSACTIONS_PATH,
        "--calibration-end",
        "1997-09-30",
        "--format",
        "json",
        "--horizon",
        "6",
        "--model",
        "bgnbd",
      ],
      { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Predicted CLV over 6 months/);
    expect(result.stderr).toMatch(/Model: BG\/NBD \(requested\)/);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(2357);
    expect(rows[0]).toMatchObject({ customer_id: "1", orders: 3, frequency: 2, segment: "Champions", holdout_actual: 1 });
    expect(rows[0].purchases_high as number).toBeGreaterThanOrEqual(rows[0].purchases_low as number);
    for (const row of rows) {
      for (const [key, value] of Object.entries(row)) {
        if (typeof value === "number") expect(Number.isFinite(value), key).toBe(true);
      }
    }
  });
});

describe("clv CLI input checks", () => {
  it("reports bad rows with their line numbers and exits non-zero", () => {
    const path = file(
      "bad.csv",
      [
        "customer_id,date,amount",
        "a,2024-01-05,10",
        "b,2024-13-40,10",
        'c,"2024-02-01",ten',
        "d,2024-02-01",
        ",2024-02-01,4",
        '"e, with comma","2024-02-02T10:00:00+02:00",5',
      ].join("\n"),
    );
    const { code, stderr } = run([path]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/4 bad rows/);
    expect(stderr).toMatch(/line 3: bad date "2024-13-40"/);
    expect(stderr).toMatch(/line 4: amount "ten" in column "amount" is not a number/);
    expect(stderr).toMatch(/line 5: missing column/);
    expect(stderr).toMatch(/line 6: empty customer id/);
  });

  it("names a missing header column", () => {
    const { code, stderr } = run([file("header.csv", "customer,when,amount\nx,2024-01-01,1\n")]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/line 1: missing column "customer_id"/);
  });

  it("counts line numbers across quoted line breaks and reports an unclosed quote", () => {
    const path = file("quoted.csv", 'customer_id,date,amount\n"multi\nline",2024-01-01,1\nz,not-a-date,2\n');
    expect(run([path]).stderr).toMatch(/line 4: bad date "not-a-date"/);
    const unclosed = file("unclosed.csv", 'customer_id,date,amount\n"open,2024-01-01,1\n');
    const result = run([unclosed]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 2: a quoted field is not closed/);
  });

  it("gives a clear message for an empty file, a header without rows and a missing file", () => {
    const empty = run([file("empty.csv", "")]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/is empty: there are no transactions/);
    const headerOnly = run([file("header-only.csv", "customer_id,date,amount\n")]);
    expect(headerOnly.code).toBe(1);
    expect(headerOnly.stderr).toMatch(/no transactions/);
    expect(run([join(directory, "nope.csv")]).stderr).toMatch(/file not found/);
  });

  it("rejects bad options with the usage text (exit 2)", () => {
    for (const args of [
      [],
      ["x.csv", "--period", "month"],
      ["x.csv", "--horizon", "1.5"],
      ["x.csv", "--bogus"],
      ["x.csv", "--time-zone", "Mars/Base"],
      ["x.csv", "--calibration-end", "30/09/1997"],
      ["x.csv", "--model", "gamma"],
      ["x.csv", "--holdout-end", "1997-13-01"],
      [CDNOW_TRANSACTIONS_PATH, "--calibration-end", "1997-09-30", "--holdout-end", "1997-09-30"],
    ]) {
      const result = run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/clv: /);
    }
    expect(run(["--help"]).stdout).toMatch(/Usage: npm run clv/);
  });
});

describe("clv CLI on degenerate and other inputs", () => {
  it("writes finite numbers (or empty predictions) for a shop too small to fit", () => {
    const path = file(
      "tiny.csv",
      "customer_id,date,amount\na,2024-01-01,10\na,2024-02-01,0\nb,2024-01-15,0\nc,2024-03-01,-5\nc,2024-03-01,5\n",
    );
    const { code, stdout, stderr } = run([path, "--period", "day"]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/Status: insufficient_data \(3 customers/);
    const rows = expectFiniteCsv(stdout);
    expect(rows.map((row) => row[0])).toEqual(["a", "b", "c"]);
    expect(rows[2].slice(1, 3)).toEqual(["1", "0"]);
    const json = run([path, "--format", "json"]);
    const parsed = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(parsed[0].predicted_clv).toBeNull();
  });

  it("reads a transactions CSV with other column names, ISO date-times and a time zone", () => {
    const path = file(
      "named.csv",
      [
        "email,placed,total,other",
        "x@example.com,2024-01-01T23:30:00-05:00,10,q",
        "x@example.com,2024-01-02T01:00:00Z,15,q", // 20:00 on Jan 1 in New York: the same day as the first
        "y@example.com,2024-01-03 09:00,20,q",
      ].join("\n"),
    );
    const { code, stdout } = run([
      path,
      "--columns",
      "email,placed,total",
      "--time-zone",
      "America/New_York",
      "--period",
      "day",
      "--calibration-end",
      "2024-01-10",
    ]);
    expect(code).toBe(0);
    const rows = expectFiniteCsv(stdout);
    expect(rows[0].slice(0, 4)).toEqual(["x@example.com", "1", "25", "0"]);
    expect(rows[0][5]).toBe("9");
  });

  it("reads a Shopify orders export: one order per Name, customer by Email, exclusions counted", () => {
    const header =
      "Name,Email,Financial Status,Paid at,Fulfillment Status,Created at,Subtotal,Total,Lineitem quantity,Lineitem name,Cancelled at,Refunded Amount,Notes";
    const rows = [
      '#1001,Ann@Example.com,paid,2024-01-05 10:00:00 -0500,fulfilled,2024-01-05 09:59:00 -0500,40.00,45.00,1,"Mug, large",,0.00,"gift\nwrap"',
      "#1001,,,,,,,,2,Spoon,,,",
      "#1002,ann@example.com,partially_refunded,,fulfilled,2024-02-10 12:00:00 -0500,30.00,30.00,1,Tea,,10.00,",
      "#1003,bob@example.com,paid,,fulfilled,2024-01-20 08:00:00 -0500,20.00,20.00,1,Tea,2024-01-21 08:00:00 -0500,0.00,",
      "#1004,bob@example.com,voided,,,2024-01-22 08:00:00 -0500,20.00,20.00,1,Tea,,,",
      "#1005,bob@example.com,refunded,,,2024-01-23 08:00:00 -0500,20.00,20.00,1,Tea,,20.00,",
      "#1006,,paid,,,2024-01-24 08:00:00 -0500,5.00,5.00,1,Tea,,,",
      "#1007,cy@example.com,pending,,,2024-03-01 08:00:00 -0500,12.50,12.50,1,Tea,,,",
    ];
    const path = file("orders_export.csv", `${header}\n${rows.join("\n")}\n`);
    const { code, stdout, stderr } = run([path, "--time-zone", "America/New_York", "--period", "day"]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/shopify format\): 8 rows, 3 transactions/);
    expect(stderr).toMatch(/left out: 1 cancelled orders/);
    expect(stderr).toMatch(/left out: 1 voided orders/);
    expect(stderr).toMatch(/left out: 1 fully refunded orders/);
    expect(stderr).toMatch(/left out: 1 orders without an email/);
    const result = expectFiniteCsv(stdout);
    expect(result.map((row) => row.slice(0, 4))).toEqual([
      ["ann@example.com", "2", "65", "1"],
      ["cy@example.com", "1", "12.5", "0"],
    ]);
  });

  it("prints progress for long inputs on stderr", () => {
    const lines = ["customer_id,date,amount"];
    for (let i = 0; i < 1_000_050; i++) lines.push(`c${i % 5000},2024-0${1 + (i % 6)}-1${i % 10},${(i % 97) + 1}`);
    const { code, stderr } = run([file("long.csv", lines.join("\n")), "--out", join(directory, "long-out.csv")]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/… 1,000,000 rows read/);
  });
});
