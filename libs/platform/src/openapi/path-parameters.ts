/* eslint-disable @typescript-eslint/no-explicit-any -- the document is walked as plain JSON */
type Json = Record<string, any>;

const SAMPLE_UUID = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';

/** Ids that another service hands out: where a client finds them. */
const FOREIGN_IDS: Record<string, string> = {
  order_id: 'An order’s `id`, from POST /api/v1/orders (order service) or a cart checkout.',
  product_id: 'A product’s `id`, from GET /api/v1/products (product service).',
  user_id: 'A user’s `id`, from POST /api/v1/users or GET /api/v1/auth/me (user service).',
  cart_id: 'A cart’s `id`, from POST /api/v1/carts (cart service).',
};

/** `/a/{x}/b` → the `b` segment before `{name}`, e.g. `orders` for `/orders/{id}`. */
function collectionOf(path: string, name: string): string | undefined {
  const index = path.indexOf(`/{${name}}`);
  return index > 0 ? path.slice(0, index) : undefined;
}

/** Ids in paths are UUIDs (UuidParam) whether or not the controller wrote the format. */
function isUuid(name: string, schema: Json): boolean {
  return schema.format === 'uuid' || /(^|_)id$/.test(name);
}

/**
 * A path parameter without a description says where its value comes from: the operation of
 * this document that creates (POST) or lists (GET) the collection it identifies, else the
 * service that hands such ids out. A uuid without an example gets a sample one.
 */
export function describePathParameter(doc: Json, path: string, parameter: Json): void {
  const name: string = parameter.name;
  if (!parameter.description) {
    const collection = collectionOf(path, name);
    const item: Json | undefined = collection ? doc.paths?.[collection] : undefined;
    const segment = collection?.split('/').pop() ?? '';
    const singular = segment.replace(/ies$/, 'y').replace(/s$/, '');
    if (name === 'id' && item?.post) {
      parameter.description = `The \`id\` in the answer of POST ${collection}.`;
    } else if (name === 'id' && item?.get) {
      parameter.description = `The \`id\` of an item listed by GET ${collection}.`;
    } else if (FOREIGN_IDS[name]) {
      parameter.description = FOREIGN_IDS[name];
    } else if (name === 'id' && FOREIGN_IDS[`${singular}_id`]) {
      parameter.description = FOREIGN_IDS[`${singular}_id`];
    } else {
      parameter.description = `The ${singular || 'resource'}’s \`${name}\`.`;
    }
  }
  const schema: Json = parameter.schema ?? {};
  if (parameter.example === undefined && schema.example === undefined && isUuid(name, schema)) {
    parameter.example = SAMPLE_UUID;
  }
}
