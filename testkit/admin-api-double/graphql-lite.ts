// A small GraphQL reader for the double: lexer, parser of executable documents (operations, fields,
// aliases, arguments, variables, inline fragments, fragment spreads, @include/@skip), validation of
// field names against a tiny schema, and projection of resolved values onto the selection set.
// The `graphql` package is not a dependency of the app; this covers what the Admin API double needs.

export interface Location {
  line: number;
  column: number;
}

export class GraphqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly location: Location,
  ) {
    super(message);
  }
}

type TokenKind = "punct" | "name" | "int" | "float" | "string" | "eof";

interface Token {
  kind: TokenKind;
  value: string;
  loc: Location;
}

const PUNCT = new Set(["!", "$", "&", "(", ")", ":", "=", "@", "[", "]", "{", "|", "}"]);
const RUBY_NAMES: Record<string, string> = {
  "{": "LCURLY",
  "}": "RCURLY",
  "(": "LPAREN",
  ")": "RPAREN",
  "[": "LBRACKET",
  "]": "RBRACKET",
  ":": "COLON",
  "!": "BANG",
  $: "VAR_SIGN",
  "=": "EQUALS",
  "@": "DIR_SIGN",
  "...": "ELLIPSIS",
  "&": "AMP",
  "|": "PIPE",
};

function tokenize(source: string): Token[] {
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
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\r" || ch === "," || ch === "\ufeff") {
      i++;
      continue;
    }
    if (ch === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    if (ch === "." && source.startsWith("...", i)) {
      tokens.push({ kind: "punct", value: "...", loc: loc(i) });
      i += 3;
      continue;
    }
    if (PUNCT.has(ch)) {
      tokens.push({ kind: "punct", value: ch, loc: loc(i) });
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i])) i++;
      tokens.push({ kind: "name", value: source.slice(start, i), loc: loc(start) });
      continue;
    }
    if (/[-0-9]/.test(ch)) {
      const start = i;
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i));
      if (!m || m[0] === "-")
        throw new GraphqlSyntaxError(`syntax error, unexpected invalid token ("${ch}") at [${line}, ${i - lineStart + 1}]`, loc(i));
      i += m[0].length;
      tokens.push({ kind: m[2] || m[3] ? "float" : "int", value: m[0], loc: loc(start) });
      continue;
    }
    if (ch === '"') {
      const start = i;
      const startLoc = loc(i);
      if (source.startsWith('"""', i)) {
        i += 3;
        let raw = "";
        for (;;) {
          if (i >= source.length)
            throw new GraphqlSyntaxError(`syntax error, unterminated string at [${startLoc.line}, ${startLoc.column}]`, startLoc);
          if (source.startsWith('\\"""', i)) {
            raw += '"""';
            i += 4;
            continue;
          }
          if (source.startsWith('"""', i)) {
            i += 3;
            break;
          }
          if (source[i] === "\n") {
            line++;
            lineStart = i + 1;
          }
          raw += source[i++];
        }
        tokens.push({ kind: "string", value: blockStringValue(raw), loc: startLoc });
        continue;
      }
      i++;
      let value = "";
      for (;;) {
        if (i >= source.length || source[i] === "\n")
          throw new GraphqlSyntaxError(`syntax error, unterminated string at [${startLoc.line}, ${startLoc.column}]`, startLoc);
        const c = source[i];
        if (c === '"') {
          i++;
          break;
        }
        if (c === "\\") {
          const e = source[i + 1];
          const map: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
          if (e === "u") {
            value += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
            i += 6;
          } else if (e in map) {
            value += map[e];
            i += 2;
          } else throw new GraphqlSyntaxError(`syntax error, bad escape at [${line}, ${i - lineStart + 1}]`, loc(i));
          continue;
        }
        value += c;
        i++;
      }
      void start;
      tokens.push({ kind: "string", value, loc: startLoc });
      continue;
    }
    throw new GraphqlSyntaxError(`syntax error, unexpected invalid token ("${ch}") at [${line}, ${i - lineStart + 1}]`, loc(i));
  }
  tokens.push({ kind: "eof", value: "", loc: loc(i) });
  return tokens;
}

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

// ---- AST ----

export type ValueNode =
  | { kind: "Variable"; name: string }
  | { kind: "Int" | "Float" | "String" | "Boolean" | "Null" | "Enum"; value: string | boolean | number | null }
  | { kind: "List"; values: ValueNode[] }
  | { kind: "Object"; fields: { name: string; value: ValueNode }[] };

export interface Directive {
  name: string;
  args: Record<string, ValueNode>;
}

export interface FieldNode {
  kind: "Field";
  alias: string | null;
  name: string;
  args: Record<string, ValueNode>;
  directives: Directive[];
  selections: Selection[] | null;
  loc: Location;
}

export interface InlineFragmentNode {
  kind: "InlineFragment";
  typeCondition: string | null;
  directives: Directive[];
  selections: Selection[];
  loc: Location;
}

export interface FragmentSpreadNode {
  kind: "FragmentSpread";
  name: string;
  directives: Directive[];
  loc: Location;
}

export type Selection = FieldNode | InlineFragmentNode | FragmentSpreadNode;

export interface VariableDefinition {
  name: string;
  type: string; // as written, e.g. "[MetafieldsSetInput!]!"
  nonNull: boolean;
  defaultValue: ValueNode | null;
}

export interface OperationNode {
  kind: "Operation";
  operation: "query" | "mutation" | "subscription";
  name: string | null;
  variables: VariableDefinition[];
  selections: Selection[];
  loc: Location;
}

export interface FragmentNode {
  kind: "Fragment";
  name: string;
  typeCondition: string;
  selections: Selection[];
}

export interface DocumentNode {
  operations: OperationNode[];
  fragments: Map<string, FragmentNode>;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private unexpected(t: Token): never {
    const what =
      t.kind === "eof"
        ? "end of file"
        : t.kind === "punct"
          ? `${RUBY_NAMES[t.value] ?? t.value} ("${t.value}")`
          : `${t.kind.toUpperCase()} ("${t.value}")`;
    throw new GraphqlSyntaxError(`syntax error, unexpected ${what} at [${t.loc.line}, ${t.loc.column}]`, t.loc);
  }

  private is(value: string): boolean {
    const t = this.peek();
    return t.kind === "punct" && t.value === value;
  }

  private expect(value: string): Token {
    const t = this.peek();
    if (t.kind !== "punct" || t.value !== value) this.unexpected(t);
    this.pos++;
    return t;
  }

  private name(): string {
    const t = this.peek();
    if (t.kind !== "name") this.unexpected(t);
    this.pos++;
    return t.value;
  }

  document(): DocumentNode {
    const doc: DocumentNode = { operations: [], fragments: new Map() };
    while (this.peek().kind !== "eof") {
      const t = this.peek();
      if (t.kind === "punct" && t.value === "{") {
        doc.operations.push({
          kind: "Operation",
          operation: "query",
          name: null,
          variables: [],
          selections: this.selectionSet(),
          loc: t.loc,
        });
      } else if (t.kind === "name" && (t.value === "query" || t.value === "mutation" || t.value === "subscription")) {
        this.pos++;
        const name = this.peek().kind === "name" ? this.name() : null;
        const variables = this.is("(") ? this.variableDefinitions() : [];
        this.directives();
        doc.operations.push({ kind: "Operation", operation: t.value, name, variables, selections: this.selectionSet(), loc: t.loc });
      } else if (t.kind === "name" && t.value === "fragment") {
        this.pos++;
        const name = this.name();
        if (this.name() !== "on") this.unexpected(this.tokens[this.pos - 1]);
        const typeCondition = this.name();
        this.directives();
        doc.fragments.set(name, { kind: "Fragment", name, typeCondition, selections: this.selectionSet() });
      } else this.unexpected(t);
    }
    if (doc.operations.length === 0) throw new GraphqlSyntaxError("syntax error, unexpected end of file at [1, 1]", { line: 1, column: 1 });
    return doc;
  }

  private variableDefinitions(): VariableDefinition[] {
    this.expect("(");
    const defs: VariableDefinition[] = [];
    while (!this.is(")")) {
      this.expect("$");
      const name = this.name();
      this.expect(":");
      const type = this.type();
      const defaultValue = this.is("=") ? (this.pos++, this.value(true)) : null;
      this.directives();
      defs.push({ name, type, nonNull: type.endsWith("!"), defaultValue });
    }
    this.expect(")");
    return defs;
  }

  private type(): string {
    let text: string;
    if (this.is("[")) {
      this.pos++;
      text = `[${this.type()}]`;
      this.expect("]");
    } else text = this.name();
    if (this.is("!")) {
      this.pos++;
      text += "!";
    }
    return text;
  }

  private directives(): Directive[] {
    const list: Directive[] = [];
    while (this.is("@")) {
      this.pos++;
      const name = this.name();
      list.push({ name, args: this.is("(") ? this.arguments() : {} });
    }
    return list;
  }

  private arguments(): Record<string, ValueNode> {
    this.expect("(");
    const args: Record<string, ValueNode> = {};
    while (!this.is(")")) {
      const name = this.name();
      this.expect(":");
      args[name] = this.value(false);
    }
    this.expect(")");
    return args;
  }

  private value(constant: boolean): ValueNode {
    const t = this.peek();
    if (t.kind === "punct") {
      if (t.value === "$" && !constant) {
        this.pos++;
        return { kind: "Variable", name: this.name() };
      }
      if (t.value === "[") {
        this.pos++;
        const values: ValueNode[] = [];
        while (!this.is("]")) values.push(this.value(constant));
        this.pos++;
        return { kind: "List", values };
      }
      if (t.value === "{") {
        this.pos++;
        const fields: { name: string; value: ValueNode }[] = [];
        while (!this.is("}")) {
          const name = this.name();
          this.expect(":");
          fields.push({ name, value: this.value(constant) });
        }
        this.pos++;
        return { kind: "Object", fields };
      }
      this.unexpected(t);
    }
    this.pos++;
    switch (t.kind) {
      case "int":
        return { kind: "Int", value: Number(t.value) };
      case "float":
        return { kind: "Float", value: Number(t.value) };
      case "string":
        return { kind: "String", value: t.value };
      case "name":
        if (t.value === "true" || t.value === "false") return { kind: "Boolean", value: t.value === "true" };
        if (t.value === "null") return { kind: "Null", value: null };
        return { kind: "Enum", value: t.value };
      default:
        return this.unexpected(t);
    }
  }

  private selectionSet(): Selection[] {
    this.expect("{");
    const selections: Selection[] = [];
    while (!this.is("}")) {
      const t = this.peek();
      if (t.kind === "punct" && t.value === "...") {
        this.pos++;
        const next = this.peek();
        if (next.kind === "name" && next.value !== "on") {
          this.pos++;
          selections.push({ kind: "FragmentSpread", name: next.value, directives: this.directives(), loc: t.loc });
        } else {
          let typeCondition: string | null = null;
          if (next.kind === "name") {
            this.pos++;
            typeCondition = this.name();
          }
          const directives = this.directives();
          selections.push({ kind: "InlineFragment", typeCondition, directives, selections: this.selectionSet(), loc: t.loc });
        }
        continue;
      }
      const loc = t.loc;
      let name = this.name();
      let alias: string | null = null;
      if (this.is(":")) {
        this.pos++;
        alias = name;
        name = this.name();
      }
      const args = this.is("(") ? this.arguments() : {};
      const directives = this.directives();
      const selections2 = this.is("{") ? this.selectionSet() : null;
      selections.push({ kind: "Field", alias, name, args, directives, selections: selections2, loc });
    }
    this.expect("}");
    if (selections.length === 0) this.unexpected(this.tokens[this.pos - 1]);
    return selections;
  }
}

export function parse(source: string): DocumentNode {
  return new Parser(tokenize(source)).document();
}

// ---- values ----

export type Variables = Record<string, unknown>;

export function valueOf(node: ValueNode, variables: Variables): unknown {
  switch (node.kind) {
    case "Variable":
      return variables[node.name] ?? null;
    case "List":
      return node.values.map((v) => valueOf(v, variables));
    case "Object":
      return Object.fromEntries(node.fields.map((f) => [f.name, valueOf(f.value, variables)]));
    default:
      return node.value;
  }
}

export function argumentsOf(field: FieldNode, variables: Variables): Record<string, unknown> {
  return Object.fromEntries(Object.entries(field.args).map(([k, v]) => [k, valueOf(v, variables)]));
}

function included(directives: Directive[], variables: Variables): boolean {
  for (const d of directives) {
    const cond = d.args.if ? valueOf(d.args.if, variables) : undefined;
    if (d.name === "skip" && cond === true) return false;
    if (d.name === "include" && cond === false) return false;
  }
  return true;
}

// ---- schema, validation, projection ----

/** type name → field name → field's named type (scalars and enums: "String", "ID", "BulkOperationStatus", …). */
export interface MiniSchema {
  types: Record<string, Record<string, string>>;
  /** Interface → possible object types. */
  interfaces?: Record<string, string[]>;
}

export interface GraphqlError {
  message: string;
  locations?: Location[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

function isComposite(schema: MiniSchema, type: string): boolean {
  return type in schema.types;
}

function typeMatches(schema: MiniSchema, condition: string | null, actual: string): boolean {
  if (condition === null || condition === actual) return true;
  return (schema.interfaces?.[condition] ?? []).includes(actual);
}

/** Field-level validation in the style of graphql-ruby (Shopify's server). Returns [] when valid. */
export function validate(schema: MiniSchema, doc: DocumentNode, operation: OperationNode, rootType: string): GraphqlError[] {
  const errors: GraphqlError[] = [];
  const opPath = operation.name ? `${operation.operation} ${operation.name}` : operation.operation;
  const walk = (selections: Selection[], parentType: string, path: string[], seenFragments: Set<string>) => {
    for (const sel of selections) {
      if (sel.kind === "InlineFragment") {
        const cond = sel.typeCondition;
        if (cond !== null && !isComposite(schema, cond) && !(schema.interfaces && cond in schema.interfaces)) {
          errors.push({
            message: `No such type ${cond}, so it can't be a fragment condition`,
            locations: [sel.loc],
            path: [...path, `... on ${cond}`],
            extensions: { code: "undefinedType", typeName: cond },
          });
          continue;
        }
        walk(sel.selections, cond ?? parentType, [...path, `... on ${cond ?? parentType}`], seenFragments);
        continue;
      }
      if (sel.kind === "FragmentSpread") {
        const frag = doc.fragments.get(sel.name);
        if (!frag) {
          errors.push({
            message: `Fragment ${sel.name} was used, but not defined`,
            locations: [sel.loc],
            path: [...path, `... ${sel.name}`],
            extensions: { code: "useAndDefineFragment", fragmentName: sel.name },
          });
          continue;
        }
        if (seenFragments.has(sel.name)) continue;
        walk(frag.selections, frag.typeCondition, [...path, `... ${sel.name}`], new Set([...seenFragments, sel.name]));
        continue;
      }
      if (sel.name === "__typename") continue;
      const fields = schema.types[parentType] ?? {};
      const type = fields[sel.name];
      const fieldPath = [...path, sel.alias ?? sel.name];
      if (type === undefined) {
        errors.push({
          message: `Field '${sel.name}' doesn't exist on type '${parentType}'`,
          locations: [sel.loc],
          path: fieldPath,
          extensions: { code: "undefinedField", typeName: parentType, fieldName: sel.name },
        });
        continue;
      }
      if (isComposite(schema, type) || schema.interfaces?.[type]) {
        if (!sel.selections) {
          errors.push({
            message: `Field must have selections (field '${sel.name}' returns ${type} but has no selections. Did you mean '${sel.name} { ... }'?)`,
            locations: [sel.loc],
            path: fieldPath,
            extensions: { code: "selectionMismatch", nodeName: `field '${sel.name}'`, typeName: type },
          });
          continue;
        }
        walk(sel.selections, type, fieldPath, seenFragments);
      } else if (sel.selections) {
        errors.push({
          message: `Selections can't be made on scalars (field '${sel.name}' returns ${type} but has selections [${sel.selections.map((s) => (s.kind === "Field" ? s.name : "...")).join(", ")}])`,
          locations: [sel.loc],
          path: fieldPath,
          extensions: { code: "selectionMismatch", nodeName: `field '${sel.name}'`, typeName: type },
        });
      }
    }
  };
  walk(operation.selections, rootType, [opPath], new Set());
  return errors;
}

/** Root fields of an operation (fragments on the root type flattened), with @skip/@include applied. */
export function rootFields(doc: DocumentNode, selections: Selection[], variables: Variables): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (list: Selection[]) => {
    for (const sel of list) {
      if (!included(sel.directives, variables)) continue;
      if (sel.kind === "Field") out.push(sel);
      else if (sel.kind === "InlineFragment") visit(sel.selections);
      else {
        const frag = doc.fragments.get(sel.name);
        if (frag) visit(frag.selections);
      }
    }
  };
  visit(selections);
  return out;
}

/**
 * Projects a resolved value onto a selection set: keeps the selected fields under their aliases,
 * answers __typename, applies type conditions (objects carry their type in `__typename`).
 */
export function project(
  doc: DocumentNode,
  value: unknown,
  selections: Selection[] | null,
  variables: Variables,
  schema: MiniSchema,
): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => project(doc, v, selections, variables, schema));
  if (!selections || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const typename = typeof obj.__typename === "string" ? obj.__typename : null;
  const out: Record<string, unknown> = {};
  const visit = (list: Selection[]) => {
    for (const sel of list) {
      if (!included(sel.directives, variables)) continue;
      if (sel.kind === "Field") {
        const key = sel.alias ?? sel.name;
        if (sel.name === "__typename") out[key] = typename;
        else {
          const raw = obj[sel.name];
          const resolved =
            typeof raw === "function" ? (raw as (args: Record<string, unknown>) => unknown)(argumentsOf(sel, variables)) : raw;
          const projected = project(doc, resolved, sel.selections, variables, schema);
          // The same response key twice (allowed when fields are identical): merge objects.
          if (out[key] && typeof out[key] === "object" && projected && typeof projected === "object" && !Array.isArray(projected))
            Object.assign(out[key] as object, projected);
          else out[key] = projected;
        }
      } else if (sel.kind === "InlineFragment") {
        if (typename === null || typeMatches(schema, sel.typeCondition, typename)) visit(sel.selections);
      } else {
        const frag = doc.fragments.get(sel.name);
        if (frag && (typename === null || typeMatches(schema, frag.typeCondition, typename))) visit(frag.selections);
      }
    }
  };
  visit(selections);
  return out;
}
