import { upstreamOf } from './upstreams';

/* eslint-disable @typescript-eslint/no-explicit-any -- OpenAPI documents are walked as plain JSON */
type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SERVICE_KEY_SCHEME = 'service-key';
const SERVICE_CALLERS_LINE = 'Service callers (X-Service-Key):';

export const BEARER_DESCRIPTION = 'The access_token from POST /api/v1/auth/login.';

/** Security alternatives without the service key (a client cannot use it through the edge). */
const clientSecurity = (security: Json[] | undefined): Json[] | undefined =>
  security?.filter((entry) => !Object.keys(entry).includes(SERVICE_KEY_SCHEME));

/** An operation a client may call through the edge: not service-key only. */
function isPublic(operation: Json): boolean {
  const security = operation.security as Json[] | undefined;
  if (security === undefined || security.length === 0) return true;
  return (clientSecurity(security) ?? []).length > 0;
}

function cleanOperation(operation: Json): Json {
  const { ['x-service-callers']: _callers, ...rest } = operation;
  const out: Json = { ...rest };
  if (out.security) out.security = clientSecurity(out.security);
  if (typeof out.description === 'string') {
    out.description = out.description
      .split('\n\n')
      .filter((paragraph: string) => !paragraph.startsWith(SERVICE_CALLERS_LINE))
      .join('\n\n');
  }
  return out;
}

/** Every `#/components/schemas/X` reachable from `value`, following schemas into schemas. */
function usedSchemas(value: unknown, schemas: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) usedSchemas(item, schemas, found);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') {
        const name = /^#\/components\/schemas\/(.+)$/.exec(item)?.[1];
        if (name && !found.has(name)) {
          found.add(name);
          usedSchemas(schemas[name], schemas, found);
        }
      } else usedSchemas(item, schemas, found);
    }
  }
  return found;
}

/**
 * A service's document as the edge serves it: only the paths the gateway routes and the
 * operations a client can call (no internal, service-key-only, metrics or admin ones), no
 * service-key scheme, the schemas still used, and the gateway as the server.
 */
export function publicDocument(document: Json, description?: string): Json {
  const paths: Json = {};
  for (const [path, item] of Object.entries((document.paths ?? {}) as Json)) {
    if (!upstreamOf(path)) continue;
    const kept: Json = {};
    for (const [key, value] of Object.entries(item as Json)) {
      if (!METHODS.includes(key)) kept[key] = value;
      else if (isPublic(value as Json)) kept[key] = cleanOperation(value as Json);
    }
    if (Object.keys(kept).some((key) => METHODS.includes(key))) paths[path] = kept;
  }
  const components: Json = { ...(document.components ?? {}) };
  const schemes: Json = { ...(components.securitySchemes ?? {}) };
  delete schemes[SERVICE_KEY_SCHEME];
  for (const [name, scheme] of Object.entries(schemes)) {
    if ((scheme as Json).scheme === 'bearer') {
      schemes[name] = { ...(scheme as Json), description: BEARER_DESCRIPTION };
    }
  }
  components.securitySchemes = schemes;
  if (components.schemas) {
    const all = components.schemas as Json;
    const used = usedSchemas({ paths, rest: { ...components, schemas: {} } }, all);
    components.schemas = Object.fromEntries(Object.entries(all).filter(([name]) => used.has(name)));
  }
  const usedTags = new Set(
    Object.values(paths).flatMap((item) =>
      Object.entries(item as Json)
        .filter(([key]) => METHODS.includes(key))
        .flatMap(([, operation]) => ((operation as Json).tags ?? []) as string[]),
    ),
  );
  const info = { ...(document.info ?? {}) };
  if (description) info.description = description;
  return {
    ...document,
    info,
    servers: [{ url: '/', description: 'this gateway' }],
    paths,
    components,
    ...(document.tags
      ? { tags: (document.tags as Json[]).filter((tag) => usedTags.has(tag.name)) }
      : {}),
  };
}
