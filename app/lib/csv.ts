// Writing CSV (RFC 4180), for every file the app or its command line hands to a spreadsheet.

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
/** A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field: quoted when it holds a comma, a quote, CR or LF, or starts or ends with white space;
 * quotes doubled. Free text (`text: true`: names, e-mails, ids from a merchant's file) that starts like a
 * formula gets a leading ' so it is shown, not run; numbers are written as they are (a negative number is
 * not a formula). null and undefined are empty fields.
 */
export function csvField(value: string | number | null | undefined, options: { text?: boolean } = {}): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  if (options.text && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A line of fields already written with csvField, ended by CRLF as RFC 4180 asks. */
export function csvRecord(fields: readonly string[]): string {
  return fields.join(",") + "\r\n";
}
