import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_PREFIX, ServiceKeyGuard, ServiceName, allowedCallers } from '@app/platform';

/** One HTTP route of a running service, as its controllers declare it. */
export interface RouteEntry {
  service: ServiceName;
  method: string;
  /** the path Fastify routes, e.g. /api/v1/internal/orders/:id */
  path: string;
  handler: string;
  /** the services whose key the route accepts; undefined: no service key opens it */
  callers?: readonly ServiceName[];
  /** true when only a service key opens it (no user token is an alternative) */
  serviceOnly: boolean;
}

const join = (...parts: string[]): string =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment.length > 0)
    .join('/')}`;

const pathsOf = (target: object): string[] => {
  const value = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
  return Array.isArray(value) ? value : [value ?? '/'];
};

/**
 * Every route of a running service, read from its controllers' metadata (not from a list), so a
 * route added tomorrow shows up here. Each path is checked against Fastify's router: the global
 * prefix applies except where configureApp excludes it (health, metrics).
 */
export function routeTable(service: ServiceName, app: NestFastifyApplication): RouteEntry[] {
  const fastify = app.getHttpAdapter().getInstance();
  const routes: RouteEntry[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as object;
        if (typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) {
          continue;
        }
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const guards = [
          ...((Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[]) ?? []),
          ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? []),
        ];
        const callers = allowedCallers(handler, controller);
        for (const base of pathsOf(controller)) {
          for (const own of pathsOf(handler)) {
            const path = [join(API_PREFIX, base, own), join(base, own)].find((candidate) =>
              fastify.hasRoute({ method: method as never, url: candidate }),
            );
            if (!path) throw new Error(`${service}: ${method} ${base}/${own} is not routed`);
            routes.push({
              service,
              method,
              path,
              handler: `${controller.name}.${name}`,
              callers,
              serviceOnly: guards.length > 0 && guards.every((g) => g === ServiceKeyGuard),
            });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
