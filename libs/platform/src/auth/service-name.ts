/** The seven services: the only names a route may accept as callers (@ServiceAuth). */
export const SERVICE_NAMES = [
  'product',
  'user',
  'delivery',
  'cart',
  'order',
  'order-validation',
  'payment',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * The edge gateway holds a key too (every service accepts it in SERVICE_API_KEYS), but only to
 * vouch for the client IP it forwards (X-Edge-Key): it is no service, so no route can name it
 * as a caller and its key opens no service-to-service route.
 */
export const EDGE_KEY_HOLDER = 'gateway';

/** Every name a configured key may identify: the seven services and the gateway. */
export const KEY_HOLDER_NAMES = [...SERVICE_NAMES, EDGE_KEY_HOLDER] as const;

export type KeyHolderName = (typeof KEY_HOLDER_NAMES)[number];

/** At least one caller: an internal route that nobody may call is a mistake, caught by the type. */
export type ServiceCallers = readonly [ServiceName, ...ServiceName[]];

export const isServiceName = (value: unknown): value is ServiceName =>
  typeof value === 'string' && (SERVICE_NAMES as readonly string[]).includes(value);

export const isKeyHolderName = (value: unknown): value is KeyHolderName =>
  typeof value === 'string' && (KEY_HOLDER_NAMES as readonly string[]).includes(value);
