// Values of arguments (literals and variables), and the @skip / @include directives.
import type { Directive, FieldNode, NamedValue, ValueNode } from "./ast";

export type Variables = Record<string, unknown>;

/** A variable's value as given (undefined when absent: names like "constructor" are not looked up on the prototype). */
export function variableValue(variables: Variables, name: string): unknown {
  return Object.hasOwn(variables, name) ? variables[name] : undefined;
}

export function valueOf(node: ValueNode, variables: Variables): unknown {
  switch (node.kind) {
    case "Variable":
      return variableValue(variables, node.name) ?? null;
    case "List":
      return node.values.map((v) => valueOf(v, variables));
    case "Object":
      return namedValues(node.fields, variables);
    default:
      return node.value;
  }
}

/** Object.fromEntries defines own properties, so a "__proto__" argument stays an ordinary key. */
function namedValues(list: NamedValue[], variables: Variables): Record<string, unknown> {
  return Object.fromEntries(list.map((a) => [a.name, valueOf(a.value, variables)]));
}

export function argumentsOf(field: FieldNode, variables: Variables): Record<string, unknown> {
  return namedValues(field.args, variables);
}

export function included(directives: Directive[], variables: Variables): boolean {
  for (const d of directives) {
    const condition = d.args.find((a) => a.name === "if");
    const value = condition ? valueOf(condition.value, variables) : undefined;
    if (d.name === "skip" && value === true) return false;
    if (d.name === "include" && value === false) return false;
  }
  return true;
}
