import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** Swagger UI and its assets; /docs-json is plain JSON and gets the API's policy. */
const DOCS_ROUTE = /^\/docs(\/|\?|$)/;

/**
 * The API answers JSON only: nothing may load, frame or run anything from it. No
 * upgrade-insecure-requests and no HSTS anywhere: the services speak plain HTTP (TLS, and so
 * HSTS, belong to the proxy that terminates it), and a browser told to upgrade fetches the
 * Swagger UI assets over https from a host that has none: a blank page.
 */
const API_POLICY: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: [`'none'`], frameAncestors: [`'none'`] },
  },
  hsts: false,
};

/** Swagger UI: its own scripts and styles (it sets inline styles), same-origin fetches only. */
const DOCS_POLICY: HelmetOptions = {
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
 * The headers helmet sets with `options`, computed once: helmet's answer depends on its
 * options only (no nonces, no per-request policy), so running it on every request (as
 * @fastify/helmet does: it re-validates and re-serialises the CSP each time) is wasted work.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  let done = false;
  helmet(options)({} as never, response as never, () => (done = true));
  if (!done) throw new Error('helmet did not finish synchronously');
  return headers;
}

/**
 * helmet's headers with a strict policy on every answer, and the Swagger one under /docs
 * (the UI and its assets; /docs-json is plain JSON and gets the API's): one onRequest hook
 * that copies a precomputed set.
 */
export function registerSecurityHeaders(app: NestFastifyApplication): void {
  const api = helmetHeaders(API_POLICY);
  const docs = helmetHeaders(DOCS_POLICY);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      void reply.headers(DOCS_ROUTE.test(request.url) ? docs : api);
      done();
    });
}
