import { SetMetadata } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { documentCallers, dropClassSecurity } from './service-callers.openapi';
import { SERVICE_NAMES, ServiceCallers, ServiceName, isServiceName } from './service-name';

/** Route metadata: the services whose X-Service-Key may call the class or handler. */
export const SERVICE_CALLERS_KEY = 'platform:service-callers';

type Handler = (...args: never[]) => unknown;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a class, as Nest's Reflector takes it
type ClassRef = Function;

const callersOf = (target: object | undefined): ServiceName[] | undefined =>
  target
    ? (Reflect.getMetadata(SERVICE_CALLERS_KEY, target) as ServiceName[] | undefined)
    : undefined;

/**
 * The services allowed on a route. A handler's own list narrows its class's: the callers in
 * both (the class decorator refuses a handler list that is not a subset at definition time).
 * Undefined when neither names callers.
 */
export function allowedCallers(
  handler: object | undefined,
  controller: object | undefined,
): readonly ServiceName[] | undefined {
  const onHandler = callersOf(handler);
  const onClass = callersOf(controller);
  if (onHandler && onClass) return onHandler.filter((caller) => onClass.includes(caller));
  return onHandler ?? onClass;
}

/** Refuses, at definition time (so at startup), a list that is empty or names no service. */
function checkedCallers(callers: readonly unknown[], where: string): ServiceName[] {
  if (callers.length === 0) {
    throw new Error(
      `${where}: name at least one calling service (one of ${SERVICE_NAMES.join(', ')}).`,
    );
  }
  const unknown = callers.filter((caller) => !isServiceName(caller));
  if (unknown.length > 0) {
    throw new Error(`${where}: unknown service name(s) ${unknown.map(String).join(', ')}.`);
  }
  return [...new Set(callers as ServiceName[])];
}

/** The route handlers (methods with an HTTP verb) declared on a controller class. */
function routeHandlers(controller: ClassRef): Array<[string, Handler]> {
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor')
    .map((name) => [name, Object.getOwnPropertyDescriptor(prototype, name)?.value] as const)
    .filter(
      (entry): entry is [string, Handler] =>
        typeof entry[1] === 'function' && Reflect.hasMetadata(METHOD_METADATA, entry[1]),
    );
}

/** A narrowing handler repeats its class's guard: Nest would run it twice, once is enough. */
function dropClassGuards(handler: Handler, controller: ClassRef): void {
  const own = Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[] | undefined;
  const onClass = (Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[] | undefined) ?? [];
  if (own) {
    Reflect.defineMetadata(
      GUARDS_METADATA,
      own.filter((guard) => !onClass.includes(guard)),
      handler,
    );
  }
}

/**
 * Records the allowed callers on a class or a handler and documents them on each operation.
 * On a class it also checks every handler's own list against its own (narrowing only): member
 * decorators run before class decorators, so the handlers' lists are all known here. Apply it
 * last in applyDecorators, after the guard and security decorators: it drops a narrowing
 * handler's repeat of its class's guard and security requirement.
 */
export function ServiceCallersMetadata(callers: ServiceCallers): MethodDecorator & ClassDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      const where = `${(target as { constructor: ClassRef }).constructor.name}.${String(key)}`;
      const list = checkedCallers(callers, where);
      SetMetadata(SERVICE_CALLERS_KEY, list)(target, key!, descriptor);
      documentCallers(descriptor.value as Handler, list);
      return descriptor;
    }
    const controller = target as ClassRef;
    const list = checkedCallers(callers, controller.name);
    SetMetadata(SERVICE_CALLERS_KEY, list)(controller);
    for (const [name, handler] of routeHandlers(controller)) {
      const own = callersOf(handler);
      const wider = own?.filter((caller) => !list.includes(caller)) ?? [];
      if (wider.length > 0) {
        throw new Error(
          `${controller.name}.${name}: a handler's callers may only narrow its class's ` +
            `(${list.join(', ')}); ${wider.join(', ')} is not among them.`,
        );
      }
      documentCallers(handler, own ?? list);
      if (own) {
        dropClassGuards(handler, controller);
        dropClassSecurity(handler, controller);
      }
    }
    return controller;
  }) as MethodDecorator & ClassDecorator;
}
