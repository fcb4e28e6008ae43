// GraphQL's lexical grammar: punctuators, names, numbers, strings and block strings; commas, white space
// and comments are skipped. Errors carry graphql-ruby's wording and a 1-based line and column.
import { GraphqlSyntaxError, type Location } from "./ast";

export type TokenKind = "punct" | "name" | "int" | "float" | "string" | "eof";

export interface Token {
  kind: TokenKind;
  value: string;
  loc: Location;
}

const PUNCTUATORS = new Set(["!", "$", "&", "(", ")", ":", "=", "@", "[", "]", "{", "|", "}"]);
const ESCAPES = new Map([
  ['"', '"'],
  ["\\", "\\"],
  ["/", "/"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
]);
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const loc = (at: number): Location => ({ line, column: at - lineStart + 1 });
  while (i < source.length) {
    const ch = source[i];
    if (ch === "\n") {
      i++;
      line++;
      lineStart = i;
    } else if (ch === " " || ch === "\t" || ch === "\r" || ch === "," || ch === "\ufeff") {
      i++;
    } else if (ch === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (source.startsWith("...", i)) {
      tokens.push({ kind: "punct", value: "...", loc: loc(i) });
      i += 3;
    } else if (PUNCTUATORS.has(ch)) {
      tokens.push({ kind: "punct", value: ch, loc: loc(i) });
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i])) i++;
      tokens.push({ kind: "name", value: source.slice(start, i), loc: loc(start) });
    } else if (/[-0-9]/.test(ch)) {
      const m = NUMBER.exec(source.slice(i));
      if (!m || m[0] === "-") fail(`unexpected invalid token ("${ch}")`, loc(i));
      tokens.push({ kind: m[2] || m[3] ? "float" : "int", value: m[0], loc: loc(i) });
      i += m[0].length;
    } else if (source.startsWith('"""', i)) {
      const startLoc = loc(i);
      i += 3;
      let raw = "";
      for (;;) {
        if (i >= source.length) fail("unterminated string", startLoc);
        if (source.startsWith('\\"""', i)) {
          raw += '"""';
          i += 4;
        } else if (source.startsWith('"""', i)) {
          i += 3;
          break;
        } else {
          if (source[i] === "\n") {
            line++;
            lineStart = i + 1;
          }
          raw += source[i++];
        }
      }
      tokens.push({ kind: "string", value: blockStringValue(raw), loc: startLoc });
    } else if (ch === '"') {
      const startLoc = loc(i);
      i++;
      let value = "";
      for (;;) {
        if (i >= source.length || source[i] === "\n") fail("unterminated string", startLoc);
        const c = source[i];
        if (c === '"') {
          i++;
          break;
        }
        if (c !== "\\") {
          value += c;
          i++;
          continue;
        }
        const escaped = source[i + 1];
        const simple = ESCAPES.get(escaped);
        if (escaped === "u") {
          value += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
          i += 6;
        } else if (simple !== undefined) {
          value += simple;
          i += 2;
        } else fail("bad escape", loc(i));
      }
      tokens.push({ kind: "string", value, loc: startLoc });
    } else {
      fail(`unexpected invalid token ("${ch}")`, loc(i));
    }
  }
  tokens.push({ kind: "eof", value: "", loc: loc(i) });
  return tokens;
}

function fail(what: string, at: Location): never {
  throw new GraphqlSyntaxError(`syntax error, ${what} at [${at.line}, ${at.column}]`, at);
}

/** A block string's value: common indentation and leading/trailing blank lines removed (spec 2.9.4). */
function blockStringValue(raw: string): string {
  const lines = raw.split(/\r\n|\n|\r/);
  let common: number | null = null;
  for (let k = 1; k < lines.length; k++) {
    const indent = lines[k].length - lines[k].trimStart().length;
    if (indent < lines[k].length && (common === null || indent < common)) common = indent;
  }
  if (common) for (let k = 1; k < lines.length; k++) lines[k] = lines[k].slice(common);
  while (lines.length && lines[0].trim() === "") lines.shift();
  while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
  return lines.join("\n");
}
