// The registry of the Admin API surface the double answers. Each root field is declared once, with the
// type it returns, its required arguments, its cost and its resolver; the object types its answers use
// come with it. The schema (for validation and projection) and the default cost table are derived.
//
// Adding an operation = one module exporting an ApiSlice, listed in operations/index.ts.
import type { BulkManager } from "../bulk";
import {
  MiniSchema,
  type DocumentNode,
  type FieldNode,
  type InterfaceDefinitions,
  type TypeDefinitions,
  type Variables,
} from "../graphql-lite/index";
import type { StagedUploadStore } from "../staged-uploads";
import type { CostTable, ShopState } from "../state";

export type RootType = "QueryRoot" | "Mutation";
export type Arguments = Record<string, unknown>;

export interface ResolveContext {
  shop: ShopState;
  apiVersion: string;
  bulk: BulkManager;
  /** The app's id: `$app` namespaces become app--<appId>. */
  appId: string;
  /** A fresh numeric id for a new object (metafields, segments, discounts…), unique in the double. */
  newId(): number;
  /** The double's http://host:port (staged upload targets point there). */
  origin: string;
  /** Staged uploads (stagedUploadsCreate, bulkOperationRunMutation). */
  uploads: StagedUploadStore;
  /** Flow trigger handles the app's extensions declare, with the fields each payload must carry. */
  flowTriggers: Map<string, FlowTriggerDefinition>;
}

/** A Flow trigger extension of the app (shopify.extension.toml `type = "flow_trigger"`). */
export interface FlowTriggerDefinition {
  handle: string;
  /** The extension's [[settings.fields]]: a reference `type` (e.g. "customer_reference") or a custom field's `key`. */
  fields?: { type: string; key?: string }[];
}

/** Where a root field sits in the request: a cost function may look at its selections (nested connections). */
export interface CostSite {
  field: FieldNode;
  doc: DocumentNode;
  variables: Variables;
}

/** An answer the resolver returns; objects carry `__typename` when fragments or __typename may ask for it. */
export type Resolver = (args: Arguments, ctx: ResolveContext) => unknown;

export interface RootFieldDefinition {
  root: RootType;
  name: string;
  /** The named type of the answer: an object type or an interface of the slices' types. */
  returns: string;
  /** Arguments without which Shopify answers missingRequiredArguments. */
  requiredArguments?: string[];
  /**
   * Points taken from the shop's leaky bucket unless the double's cost table overrides them. Shopify: about
   * 1 per object read (a connection: 2 + its `first` times its node's cost), 10 per mutation.
   */
  cost: number | ((args: Arguments, site?: CostSite) => number);
  resolve: Resolver;
}

/** One part of the Admin API: root fields and the object types (and interfaces) of their answers. */
export interface ApiSlice {
  fields: RootFieldDefinition[];
  types?: TypeDefinitions;
  interfaces?: InterfaceDefinitions;
}

/** A field-level failure: the field answers null and the response carries this error (e.g. ACCESS_DENIED). */
export class FieldError extends Error {
  constructor(
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The cost of fields no slice prices: Shopify's mutation cost. */
export const FALLBACK_COST = 10;

export class OperationRegistry {
  readonly schema: MiniSchema;
  private readonly fields = new Map<RootType, Map<string, RootFieldDefinition>>([
    ["QueryRoot", new Map()],
    ["Mutation", new Map()],
  ]);

  constructor(slices: ApiSlice[]) {
    const types: TypeDefinitions = {};
    const interfaces: InterfaceDefinitions = {};
    for (const slice of slices) {
      for (const field of slice.fields) {
        const byName = this.fields.get(field.root)!;
        if (byName.has(field.name)) throw new Error(`root field ${field.root}.${field.name} is declared twice`);
        byName.set(field.name, field);
      }
      for (const [name, fields] of Object.entries(slice.types ?? {})) {
        if (Object.hasOwn(types, name)) throw new Error(`type ${name} is declared twice`);
        types[name] = fields;
      }
      for (const [name, possible] of Object.entries(slice.interfaces ?? {}))
        interfaces[name] = [...(Object.hasOwn(interfaces, name) ? interfaces[name] : []), ...possible];
    }
    for (const [root, byName] of this.fields) types[root] = Object.fromEntries([...byName.values()].map((f) => [f.name, f.returns]));
    this.schema = new MiniSchema(types, interfaces);
  }

  field(root: RootType, name: string): RootFieldDefinition | undefined {
    return this.fields.get(root)!.get(name);
  }

  /** The cost table a double starts with: every fixed cost by root field name, and `default` for the rest. */
  defaultCosts(): CostTable {
    const table: CostTable = { default: FALLBACK_COST };
    for (const byName of this.fields.values())
      for (const field of byName.values()) if (typeof field.cost === "number") table[field.name] = field.cost;
    return table;
  }
}
