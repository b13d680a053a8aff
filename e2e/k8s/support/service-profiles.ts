import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  AmqpEnvSchema,
  IdempotencyEnvSchema,
  IdempotencySettings,
  MessagingEnvSchema,
  MessagingSettings,
  PlatformEnvSchema,
  PlatformModule,
  SERVICE_NAMES,
  SharedRedis,
  UPSTREAM_SETTINGS,
  UpstreamEnvSchema,
  upstreamEnvName,
} from '@app/platform';
import { ROOT } from './rendered-manifests';

/** The seven services and the edge gateway: the Deployments whose env is checked. */
export const GATEWAY = 'gateway';
export const PLATFORM_SERVICES: readonly string[] = [...SERVICE_NAMES, GATEWAY];

/**
 * The gateway's variables while services/gateway/src/gateway.config.ts (gatewayEnvSchema) does
 * not exist yet; once it does, its schema is read instead and this list is ignored.
 */
const GATEWAY_ENV_UNTIL_ITS_SCHEMA = [
  'PORT',
  'HOST',
  'PRODUCT_SERVICE_URL',
  'USER_SERVICE_URL',
  'DELIVERY_SERVICE_URL',
  'CART_SERVICE_URL',
  'ORDER_SERVICE_URL',
  'ORDER_VALIDATION_SERVICE_URL',
  'PAYMENT_SERVICE_URL',
  'REDIS_URL',
  'SERVICE_API_KEY',
  'CORS_ORIGINS',
  'EDGE_RATE_LIMIT_PER_MINUTE',
  'BODY_LIMIT_BYTES',
  'UPSTREAM_TIMEOUT_MS',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT_MS',
];

/** What the code of one service says about its environment and its calls. */
export interface ServiceProfile {
  service: string;
  /** every variable its configuration reads */
  envNames: Set<string>;
  /** the services it calls over HTTP (its own and its events' consumers) */
  upstreams: string[];
}

/** The variable names of a zod object schema, through .transform()/.default() wrappers. */
export function schemaKeys(schema: unknown): string[] {
  const node = schema as {
    shape?: Record<string, unknown>;
    _zod?: { def?: { in?: unknown; innerType?: unknown } };
  };
  if (node?.shape) return Object.keys(node.shape);
  const def = node?._zod?.def;
  if (def?.in) return schemaKeys(def.in);
  if (def?.innerType) return schemaKeys(def.innerType);
  throw new Error('not a zod object schema');
}

function isZodSchema(value: unknown): boolean {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/**
 * The variables of a service's own config modules (infrastructure/config/*.ts): the keys of
 * every exported `…EnvSchema`, and exported constants naming a variable read by hand
 * (`TOKEN_STATE_SUBSCRIBERS = 'TOKEN_STATE_SUBSCRIBERS'`).
 */
async function ownEnvNames(service: string): Promise<string[]> {
  const dir = path.join(ROOT, 'services', service, 'src/infrastructure/config');
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.includes('.spec.'))) {
    const exports = (await import(path.join(dir, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      if (name.endsWith('EnvSchema') && isZodSchema(value)) names.push(...schemaKeys(value));
      if (typeof value === 'string' && value === name && /^[A-Z][A-Z0-9_]+$/.test(name)) {
        names.push(name);
      }
    }
  }
  return names;
}

/** The gateway's variables; its loadGatewayConfig(env), when there is one, validates `env`. */
async function gatewayEnvNames(env: Record<string, string>): Promise<string[]> {
  const file = path.join(ROOT, 'services/gateway/src/gateway.config.ts');
  if (!existsSync(file)) return GATEWAY_ENV_UNTIL_ITS_SCHEMA;
  const { gatewayEnvSchema, loadGatewayConfig } = (await import(file)) as {
    gatewayEnvSchema?: unknown;
    loadGatewayConfig?: (env: Record<string, string>) => unknown;
  };
  if (gatewayEnvSchema === undefined) throw new Error(`${file} exports no gatewayEnvSchema`);
  loadGatewayConfig?.(env);
  // a schema, or a function building one (as platformEnvSchema)
  const schema =
    typeof gatewayEnvSchema === 'function'
      ? (gatewayEnvSchema as () => unknown)()
      : gatewayEnvSchema;
  return schemaKeys(schema);
}

interface DynamicModuleLike {
  module?: unknown;
  imports?: unknown[];
  providers?: unknown[];
}

/**
 * Builds the service's root module from `env` as its main.ts does (XModule.forRoot(env)): this
 * validates every variable it reads (a bad value throws, naming it) and yields the platform's
 * options: its upstreams, whether it has an outbox (messaging) and an Idempotency-Key store.
 * Nothing connects but the Redis client, which is closed at once.
 */
async function platformOfService(service: string, env: Record<string, string>) {
  const file = path.join(ROOT, 'services', service, 'src', `${service}.module.ts`);
  const exports = (await import(file)) as Record<string, unknown>;
  const root = Object.values(exports).find(
    (value): value is { forRoot(env: Record<string, string>): DynamicModuleLike } =>
      typeof value === 'function' && typeof (value as { forRoot?: unknown }).forRoot === 'function',
  );
  if (!root) throw new Error(`${file} exports no module with forRoot(env)`);
  const platform = (root.forRoot(env).imports ?? []).find(
    (entry): entry is DynamicModuleLike =>
      (entry as DynamicModuleLike | undefined)?.module === PlatformModule,
  );
  if (!platform) throw new Error(`${service}: no PlatformModule among its module's imports`);
  const providers = (platform.providers ?? []) as Array<{ provide?: unknown; useValue?: unknown }>;
  const provided = (token: unknown) => providers.find((provider) => provider?.provide === token);
  // forRoot opens its Redis client (REDIS_URL) at once: closed here, nothing is served
  (provided(SharedRedis)?.useValue as SharedRedis | undefined)?.client?.disconnect(false);
  const upstreamSettings = provided(UPSTREAM_SETTINGS)?.useValue as
    { baseUrls: Record<string, string> } | undefined;
  return {
    upstreams: Object.keys(upstreamSettings?.baseUrls ?? {}),
    messaging: provided(MessagingSettings) !== undefined,
    idempotency: provided(IdempotencySettings) !== undefined,
  };
}

/** The profile of one service (or the gateway) with the environment its manifest gives it. */
export async function serviceProfile(
  service: string,
  env: Record<string, string>,
): Promise<ServiceProfile> {
  if (service === GATEWAY) {
    return { service, envNames: new Set(await gatewayEnvNames(env)), upstreams: [] };
  }
  const platform = await platformOfService(service, env);
  const names = [
    ...schemaKeys(PlatformEnvSchema),
    // the token-state lookups read them too, with or without upstreams
    ...schemaKeys(UpstreamEnvSchema),
    ...platform.upstreams.map(upstreamEnvName),
    ...(platform.messaging
      ? [...schemaKeys(MessagingEnvSchema), ...schemaKeys(AmqpEnvSchema)]
      : []),
    ...(platform.idempotency ? schemaKeys(IdempotencyEnvSchema) : []),
    ...(await ownEnvNames(service)),
  ];
  return { service, envNames: new Set(names), upstreams: platform.upstreams };
}
