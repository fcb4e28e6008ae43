// A recursive-descent parser of executable GraphQL documents (operations, fragments, variables with
// defaults, aliases, arguments, directives, inline fragments and spreads). Type-system definitions are
// not accepted: clients never send them. The `graphql` package's parse() would do the same job; it is
// not a dependency, and its error messages differ from Shopify's (graphql-ruby) ones that tests check.
import {
  GraphqlSyntaxError,
  type Directive,
  type DocumentNode,
  type NamedValue,
  type Selection,
  type ValueNode,
  type VariableDefinition,
} from "./ast";
import { tokenize, type Token } from "./lexer";

/** graphql-ruby's names of punctuators in "unexpected …" messages. */
const PUNCTUATOR_NAMES = new Map([
  ["{", "LCURLY"],
  ["}", "RCURLY"],
  ["(", "LPAREN"],
  [")", "RPAREN"],
  ["[", "LBRACKET"],
  ["]", "RBRACKET"],
  [":", "COLON"],
  ["!", "BANG"],
  ["$", "VAR_SIGN"],
  ["=", "EQUALS"],
  ["@", "DIR_SIGN"],
  ["...", "ELLIPSIS"],
  ["&", "AMP"],
  ["|", "PIPE"],
]);

const OPERATION_KEYWORDS = new Set(["query", "mutation", "subscription"]);

export function parse(source: string): DocumentNode {
  return new Parser(tokenize(source)).document();
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  document(): DocumentNode {
    const doc: DocumentNode = { operations: [], fragments: new Map() };
    while (this.peek().kind !== "eof") {
      const t = this.peek();
      if (this.is("{")) {
        doc.operations.push({
          kind: "Operation",
          operation: "query",
          name: null,
          variables: [],
          selections: this.selectionSet(),
          loc: t.loc,
        });
      } else if (t.kind === "name" && OPERATION_KEYWORDS.has(t.value)) {
        this.pos++;
        const name = this.peek().kind === "name" ? this.name() : null;
        const variables = this.is("(") ? this.variableDefinitions() : [];
        this.directives();
        const operation = t.value as "query" | "mutation" | "subscription";
        doc.operations.push({ kind: "Operation", operation, name, variables, selections: this.selectionSet(), loc: t.loc });
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

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private unexpected(t: Token): never {
    const what =
      t.kind === "eof"
        ? "end of file"
        : t.kind === "punct"
          ? `${PUNCTUATOR_NAMES.get(t.value) ?? t.value} ("${t.value}")`
          : `${t.kind.toUpperCase()} ("${t.value}")`;
    throw new GraphqlSyntaxError(`syntax error, unexpected ${what} at [${t.loc.line}, ${t.loc.column}]`, t.loc);
  }

  private is(punctuator: string): boolean {
    const t = this.peek();
    return t.kind === "punct" && t.value === punctuator;
  }

  private expect(punctuator: string): void {
    if (!this.is(punctuator)) this.unexpected(this.peek());
    this.pos++;
  }

  private name(): string {
    const t = this.peek();
    if (t.kind !== "name") this.unexpected(t);
    this.pos++;
    return t.value;
  }

  private variableDefinitions(): VariableDefinition[] {
    this.expect("(");
    const definitions: VariableDefinition[] = [];
    while (!this.is(")")) {
      this.expect("$");
      const name = this.name();
      this.expect(":");
      const type = this.type();
      let defaultValue: ValueNode | null = null;
      if (this.is("=")) {
        this.pos++;
        defaultValue = this.value(true);
      }
      this.directives();
      definitions.push({ name, type, nonNull: type.endsWith("!"), defaultValue });
    }
    this.expect(")");
    return definitions;
  }

  /** A type reference, returned as written: "ID!", "[String!]!". */
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
      list.push({ name, args: this.is("(") ? this.arguments() : [] });
    }
    return list;
  }

  private arguments(): NamedValue[] {
    this.expect("(");
    const args: NamedValue[] = [];
    while (!this.is(")")) {
      const name = this.name();
      this.expect(":");
      args.push({ name, value: this.value(false) });
    }
    this.expect(")");
    return args;
  }

  /** A value literal; `constant` (default values) forbids variables. */
  private value(constant: boolean): ValueNode {
    const t = this.peek();
    if (t.kind === "punct") {
      this.pos++;
      if (t.value === "$" && !constant) return { kind: "Variable", name: this.name() };
      if (t.value === "[") {
        const values: ValueNode[] = [];
        while (!this.is("]")) values.push(this.value(constant));
        this.pos++;
        return { kind: "List", values };
      }
      if (t.value === "{") {
        const fields: NamedValue[] = [];
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
    while (!this.is("}")) selections.push(this.is("...") ? this.fragment() : this.field());
    this.expect("}");
    if (selections.length === 0) this.unexpected(this.tokens[this.pos - 1]);
    return selections;
  }

  private fragment(): Selection {
    const loc = this.peek().loc;
    this.pos++;
    const next = this.peek();
    if (next.kind === "name" && next.value !== "on") {
      this.pos++;
      return { kind: "FragmentSpread", name: next.value, directives: this.directives(), loc };
    }
    let typeCondition: string | null = null;
    if (next.kind === "name") {
      this.pos++;
      typeCondition = this.name();
    }
    const directives = this.directives();
    return { kind: "InlineFragment", typeCondition, directives, selections: this.selectionSet(), loc };
  }

  private field(): Selection {
    const loc = this.peek().loc;
    let name = this.name();
    let alias: string | null = null;
    if (this.is(":")) {
      this.pos++;
      alias = name;
      name = this.name();
    }
    const args = this.is("(") ? this.arguments() : [];
    const directives = this.directives();
    const selections = this.is("{") ? this.selectionSet() : null;
    return { kind: "Field", alias, name, args, directives, selections, loc };
  }
}
