import { ValidationOptions, registerDecorator } from 'class-validator';

/**
 * Keyset position in the product list: the (created_at, id) of the last product of a page.
 * `createdAt` keeps PostgreSQL's microseconds (a JS Date would round them away and skip or
 * repeat rows), as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
 */
export interface ProductCursor {
  createdAt: string;
  id: string;
}

/** The cursors we hand out are 88 characters; anything much longer is not one of ours. */
export const PRODUCT_CURSOR_MAX = 120;

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Opaque to clients: base64url of `<created_at>|<id>`. */
export function encodeProductCursor(cursor: ProductCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString('base64url');
}

/** The position a cursor names, or undefined for anything we did not hand out. */
export function decodeProductCursor(text: unknown): ProductCursor | undefined {
  if (typeof text !== 'string' || text.length > PRODUCT_CURSOR_MAX || !BASE64URL.test(text)) {
    return undefined;
  }
  const [createdAt, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || id === undefined || !UUID.test(id)) return undefined;
  if (!isExactTimestamp(createdAt)) return undefined;
  return { createdAt, id };
}

/** A real calendar instant (no 31 February) that PostgreSQL's timestamptz holds. */
function isExactTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  if (!m || m[1] === '0000') return false;
  const ms = `${text.slice(0, 23)}Z`;
  const date = new Date(ms);
  return !Number.isNaN(date.getTime()) && date.toISOString() === ms;
}

/** `cursor`: one we handed out, and not together with an offset (a page has one start). */
export function IsProductCursor(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isProductCursor',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property, object }) =>
          (object as { offset?: unknown }).offset
            ? `${property} cannot be combined with offset`
            : `${property} must be a next_cursor from an earlier page`,
        ...options,
      },
      validator: {
        validate(value: unknown, args): boolean {
          if ((args?.object as { offset?: unknown }).offset) return false;
          return decodeProductCursor(value) !== undefined;
        },
      },
    });
}
