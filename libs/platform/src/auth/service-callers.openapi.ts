import { PATH_METADATA } from '@nestjs/common/constants';
import { ApiProblem, problemExample } from '../errors/api-problem.decorator';
import type { ServiceName } from './service-name';

/** The OpenAPI extension on each operation that lists its callers. */
export const SERVICE_CALLERS_EXTENSION = 'x-service-callers';

/** How the one line appended to each operation's OpenAPI description begins. */
export const SERVICE_CALLERS_LINE = 'Service callers (X-Service-Key):';

// @nestjs/swagger's metadata keys (its package exports do not expose its constants); the
// platform and e2e tests read the served documents, so they fail if these ever change.
const API_OPERATION = 'swagger/apiOperation';
const API_EXTENSION = 'swagger/apiExtension';
const API_RESPONSE = 'swagger/apiResponse';
const API_SECURITY = 'swagger/apiSecurity';

// configureApp's API_PREFIX; not imported, as configure-app reaches this file through Swagger's setup
const PREFIX = '/api/v1';

/** Writes the callers into a handler's operation: one description line, one extension. */
export function documentCallers(handler: object, callers: readonly ServiceName[]): void {
  const operation = (Reflect.getMetadata(API_OPERATION, handler) ?? {}) as {
    description?: string;
  };
  const kept = (operation.description ?? '')
    .split('\n\n')
    .filter((paragraph) => paragraph.length > 0 && !paragraph.startsWith(SERVICE_CALLERS_LINE));
  const line = `${SERVICE_CALLERS_LINE} ${callers.join(', ')}. Any other service's key: 403.`;
  Reflect.defineMetadata(
    API_OPERATION,
    { summary: '', ...operation, description: [...kept, line].join('\n\n') },
    handler,
  );
  const extensions = (Reflect.getMetadata(API_EXTENSION, handler) ?? {}) as object;
  Reflect.defineMetadata(
    API_EXTENSION,
    { ...extensions, [SERVICE_CALLERS_EXTENSION]: [...callers] },
    handler,
  );
}

/**
 * A handler that repeats its class's security requirement would list it twice (Swagger adds
 * the class's to the handler's): the class's entries are dropped from the handler.
 */
export function dropClassSecurity(handler: object, controller: object): void {
  const own = Reflect.getMetadata(API_SECURITY, handler) as object[] | undefined;
  const onClass = ((Reflect.getMetadata(API_SECURITY, controller) as object[]) ?? []).map((entry) =>
    JSON.stringify(entry),
  );
  if (!own) return;
  Reflect.defineMetadata(
    API_SECURITY,
    own.filter((entry) => !onClass.includes(JSON.stringify(entry))),
    handler,
  );
}

/**
 * The 401 and 403 of a service-key route, documented where the controller or handler has not
 * documented them itself (its own, more specific examples win).
 */
export function ServiceAuthProblems(
  callers: readonly ServiceName[],
): MethodDecorator & ClassDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value as object | undefined) ?? target;
    const controller = descriptor ? (target as { constructor: object }).constructor : target;
    const base = Reflect.getMetadata(PATH_METADATA, controller) as unknown;
    const instance = typeof base === 'string' ? `${PREFIX}/${base}` : PREFIX;
    const documented = (Reflect.getMetadata(API_RESPONSE, holder) ?? {}) as Record<string, unknown>;
    const problems = [
      ApiProblem(401, 'No X-Service-Key, or one that no service has.', {
        noServiceKey: problemExample(
          401,
          'unauthorized',
          'A valid service credential (X-Service-Key) is required.',
          instance,
        ),
      }),
      ApiProblem(403, `The valid key of a service other than ${callers.join(' or ')}.`, {
        otherService: problemExample(
          403,
          'forbidden',
          'This service credential is not allowed to call this endpoint.',
          instance,
        ),
      }),
    ];
    for (const [status, decorator] of [401, 403].map((s, i) => [s, problems[i]] as const)) {
      if (documented[String(status)]) continue;
      if (descriptor) decorator(target, key!, descriptor);
      else (decorator as ClassDecorator)(target as never);
    }
    return descriptor ?? target;
  }) as MethodDecorator & ClassDecorator;
}
