import { ConfigError, ServiceName, isServiceName } from '@app/platform';

export const TOKEN_STATE_SUBSCRIBERS = 'TOKEN_STATE_SUBSCRIBERS';

/**
 * TOKEN_STATE_SUBSCRIBERS: the services told at once when a user's tokens change (comma
 * separated names, e.g. `product,cart,order,payment,delivery,order-validation`; `npm start` and
 * compose name all six). Each is reached at <NAME>_SERVICE_URL (or its SPEC port) with this
 * service's SERVICE_API_KEY. Empty (the default): nobody is told, and an older token still
 * passes elsewhere until that service's cache entry expires (AUTH_TOKEN_STATE_TTL_MS).
 */
export function tokenStateSubscribers(env: Record<string, string | undefined>): ServiceName[] {
  const names = (env[TOKEN_STATE_SUBSCRIBERS] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const wrong = names.filter((name) => !isServiceName(name) || name === 'user');
  if (wrong.length > 0) {
    throw new ConfigError([
      `${TOKEN_STATE_SUBSCRIBERS} must list services other than user (comma separated); ` +
        `not services: ${wrong.join(', ')}`,
    ]);
  }
  return [...new Set(names)] as ServiceName[];
}
