import helmet, { FastifyHelmetOptions } from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Swagger UI and its assets; /docs-json is plain JSON and gets the API's policy. */
const DOCS_ROUTE = /^\/docs(\/|$)/;

/**
 * The API answers JSON only: nothing may load, frame or run anything from it. No
 * upgrade-insecure-requests and no HSTS anywhere: the services speak plain HTTP (TLS, and so
 * HSTS, belong to the proxy that terminates it), and a browser told to upgrade fetches the
 * Swagger UI assets over https from a host that has none: a blank page.
 */
const API_POLICY: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: [`'none'`], frameAncestors: [`'none'`] },
  },
  hsts: false,
};

/** Swagger UI: its own scripts and styles (it sets inline styles), same-origin fetches only. */
const DOCS_POLICY: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: [`'self'`],
      baseUri: [`'self'`],
      connectSrc: [`'self'`],
      fontSrc: [`'self'`, 'data:'],
      formAction: [`'self'`],
      frameAncestors: [`'none'`],
      imgSrc: [`'self'`, 'data:', 'validator.swagger.io'],
      objectSrc: [`'none'`],
      scriptSrc: [`'self'`],
      scriptSrcAttr: [`'none'`],
      styleSrc: [`'self'`, `'unsafe-inline'`],
    },
  },
  hsts: false,
};

/**
 * helmet with a strict policy on every route and the Swagger one on /docs. The docs routes
 * (registered later by SwaggerModule and its static assets plugin) get theirs through their
 * route config, which @fastify/helmet reads on each request.
 */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    if (DOCS_ROUTE.test(route.url)) {
      route.config = { ...(route.config ?? {}), helmet: DOCS_POLICY } as typeof route.config;
    }
  });
  await app.register(helmet, API_POLICY);
}
