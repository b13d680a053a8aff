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
  if (!parameter.description) parameter.description = originOf(doc, path, name);
  const schema: Json = parameter.schema ?? {};
  if (parameter.example === undefined && schema.example === undefined && isUuid(name, schema)) {
    parameter.example = SAMPLE_UUID;
  }
}

/** Where a client gets the value of path parameter `name` of `path`. */
function originOf(doc: Json, path: string, name: string): string {
  const paths: Json = doc.paths ?? {};
  const collection = collectionOf(path, name);
  const segment = collection?.split('/').pop() ?? '';
  const singular = segment.replace(/ies$/, 'y').replace(/s$/, '');
  if (collection && (name === 'id' || name === `${singular}_id`)) {
    // POST on the collection, or on one fixed path right under it (POST /payments/process)
    const creator = [
      collection,
      ...Object.keys(paths).filter((p) => /^\/[^/{}]+$/.test(p.slice(collection.length))),
    ].find((p) => p.startsWith(collection) && paths[p]?.post);
    const lister = paths[collection]?.get ? ` (or an item of GET ${collection})` : '';
    if (creator) return `The \`id\` in the answer of POST ${creator}${lister}.`;
    if (lister) return `The \`id\` of an item listed by GET ${collection}.`;
  }
  const foreign = FOREIGN_IDS[name] ?? (name === 'id' ? FOREIGN_IDS[`${singular}_id`] : undefined);
  return foreign ?? `The ${singular || 'resource'}’s \`${name}\`.`;
}
