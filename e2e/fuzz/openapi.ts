// The parts of an OpenAPI 3 document the fuzzer reads: operations, their parameters, request
// bodies and security, with $ref/allOf/oneOf resolved to one plain schema per field.

export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
}

interface RawParameter {
  $ref?: string;
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface RawOperation {
  operationId?: string;
  parameters?: RawParameter[];
  requestBody?: {
    $ref?: string;
    required?: boolean;
    content?: Record<string, { schema?: Schema }>;
  };
  security?: Array<Record<string, string[]>>;
}

export interface OpenApiDocument {
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, RawOperation>>;
  components?: {
    schemas?: Record<string, Schema>;
    parameters?: Record<string, RawParameter>;
    requestBodies?: Record<string, RawOperation['requestBody']>;
  };
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export type Security = 'bearer' | 'service-key';

export interface Operation {
  service: string;
  method: string;
  /** the path template, e.g. /api/v1/carts/{cart_id}/items */
  path: string;
  /** `<service> <METHOD> <path>`: stable name used in reports, seeds and the known-failures list */
  key: string;
  parameters: Parameter[];
  /** the JSON request body's schema, resolved; undefined when the operation takes none */
  body?: Schema;
  bodyRequired: boolean;
  /** the credentials that open it (any one of them); empty: public */
  security: Security[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Follows local `$ref`s (#/components/...). */
export function deref<T>(doc: OpenApiDocument, value: T & { $ref?: string }): T {
  let current: T & { $ref?: string } = value;
  for (let hops = 0; current?.$ref; hops++) {
    if (hops > 20) throw new Error(`$ref cycle at ${current.$ref}`);
    const parts = current.$ref.replace(/^#\//, '').split('/');
    let target: unknown = doc;
    for (const part of parts) target = (target as Record<string, unknown>)?.[part];
    if (!target) throw new Error(`unresolved $ref ${current.$ref}`);
    current = target as T & { $ref?: string };
  }
  return current;
}

/**
 * One plain schema: refs followed, allOf merged, the first non-null alternative of
 * oneOf/anyOf, `type: [x, 'null']` (OpenAPI 3.1) read as x plus nullable.
 */
export function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  if (!schema) return {};
  const base = deref(doc, schema);
  let merged: Schema = { ...base };
  if (base.allOf) {
    merged = { ...base, allOf: undefined };
    for (const part of base.allOf) {
      const resolved = resolve(doc, part);
      merged = {
        ...resolved,
        ...merged,
        properties: { ...resolved.properties, ...merged.properties },
        required: [...(resolved.required ?? []), ...(merged.required ?? [])],
      };
    }
  }
  const alternatives = base.oneOf ?? base.anyOf;
  if (alternatives) {
    const chosen = alternatives.map((a) => resolve(doc, a)).find((a) => typeOf(a) !== 'null');
    merged = { ...chosen, ...merged, oneOf: undefined, anyOf: undefined };
  }
  if (Array.isArray(merged.type)) {
    const types = merged.type.filter((t) => t !== 'null');
    merged = {
      ...merged,
      type: types[0],
      nullable: merged.nullable || types.length < merged.type.length,
    };
  }
  if (merged.properties) {
    merged.properties = Object.fromEntries(
      Object.entries(merged.properties).map(([name, child]) => [name, resolve(doc, child)]),
    );
  }
  if (merged.items) merged.items = resolve(doc, merged.items);
  return merged;
}

/** The JSON type a schema describes (inferred from its shape when `type` is absent). */
export function typeOf(schema: Schema): string {
  if (typeof schema.type === 'string') return schema.type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  if (schema.enum?.length) return typeof schema.enum[0];
  return 'string';
}

export function operationsOf(service: string, doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = ((item as { parameters?: RawParameter[] }).parameters ?? []).map((p) =>
      deref(doc, p),
    );
    for (const method of METHODS) {
      const raw = item[method];
      if (!raw) continue;
      const own = (raw.parameters ?? []).map((p) => deref(doc, p));
      const parameters = [...shared.filter((s) => !own.some((o) => o.name === s.name)), ...own]
        .filter((p): p is RawParameter & { in: Parameter['in'] } => p.in !== 'cookie')
        .map((p) => ({
          name: p.name,
          in: p.in,
          required: p.in === 'path' || !!p.required,
          schema: resolve(doc, p.schema),
        }));
      const requestBody = raw.requestBody ? deref(doc, raw.requestBody) : undefined;
      const content = requestBody?.content ?? {};
      const jsonType = Object.keys(content).find((type) => type.includes('json'));
      const security = new Set<Security>();
      for (const requirement of raw.security ?? doc.security ?? []) {
        for (const scheme of Object.keys(requirement)) {
          security.add(/key/i.test(scheme) ? 'service-key' : 'bearer');
        }
      }
      const upper = method.toUpperCase();
      operations.push({
        service,
        method: upper,
        path,
        key: `${service} ${upper} ${path}`,
        parameters,
        body: jsonType ? resolve(doc, content[jsonType].schema) : undefined,
        bodyRequired: !!requestBody?.required,
        security: [...security],
      });
    }
  }
  return operations;
}

/** One field of a request body, addressed by its JSON path from the root. */
export interface Field {
  pointer: Array<string | number>;
  schema: Schema;
  required: boolean;
}

/** Every property of the body, nested objects and the first element of arrays included. */
export function fieldsOf(schema: Schema, pointer: Array<string | number> = []): Field[] {
  const fields: Field[] = [];
  const type = typeOf(schema);
  if (type === 'object') {
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      const at = [...pointer, name];
      fields.push({ pointer: at, schema: child, required: !!schema.required?.includes(name) });
      fields.push(...fieldsOf(child, at));
    }
  } else if (type === 'array' && schema.items) {
    const at = [...pointer, 0];
    fields.push({ pointer: at, schema: schema.items, required: (schema.minItems ?? 0) > 0 });
    fields.push(...fieldsOf(schema.items, at));
  }
  return fields;
}

export function pointerText(pointer: Array<string | number>): string {
  return pointer.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || '(root)';
}
