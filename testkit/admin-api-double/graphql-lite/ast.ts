// The syntax tree of an executable GraphQL document as graphql-lite's parser builds it. Arguments and
// object values are lists of name/value pairs, never objects keyed by request-given names, so that a
// name like "__proto__" or "constructor" stays plain data.

export interface Location {
  line: number;
  column: number;
}

/** Raised by the lexer and the parser; the message reads like graphql-ruby's (Shopify's server). */
export class GraphqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly location: Location,
  ) {
    super(message);
  }
}

export interface NamedValue {
  name: string;
  value: ValueNode;
}

export type ValueNode =
  | { kind: "Variable"; name: string }
  | { kind: "Int" | "Float" | "String" | "Boolean" | "Null" | "Enum"; value: string | boolean | number | null }
  | { kind: "List"; values: ValueNode[] }
  | { kind: "Object"; fields: NamedValue[] };

export interface Directive {
  name: string;
  args: NamedValue[];
}

export interface FieldNode {
  kind: "Field";
  alias: string | null;
  name: string;
  args: NamedValue[];
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
  /** As written, e.g. "[MetafieldsSetInput!]!". */
  type: string;
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
