/** The seven services: the only names a service key may identify, and a route may accept. */
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

/** At least one caller: an internal route that nobody may call is a mistake, caught by the type. */
export type ServiceCallers = readonly [ServiceName, ...ServiceName[]];

export const isServiceName = (value: unknown): value is ServiceName =>
  typeof value === 'string' && (SERVICE_NAMES as readonly string[]).includes(value);
