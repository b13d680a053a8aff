// No service names another's statuses or internal routes (issue 11: "grep finds no other
// service's status literal or internal path in any service's src/"). A service learns what
// happened from events in the producer's words, and reads other services through the typed
// clients and contract constants of libs/, so each can change its vocabulary and routes alone.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  DELIVERY_STATUSES,
  ORDER_STATUSES,
  PAYMENT_STATUSES,
  TOKEN_STATE_NOTICES_PATH,
} from '@app/contracts';
import { EVENTS_PATH } from '@app/platform';
import { findForeignNames, ForeignName, ownInternalRoutes } from './foreign-names';

const ROOT = path.resolve(__dirname, '..', '..');
const SERVICES = readdirSync(path.join(ROOT, 'services'));

/** The statuses each service owns (SPEC.md); the other services own none. */
const OWN_STATUSES: Record<string, readonly string[]> = {
  order: ORDER_STATUSES,
  payment: PAYMENT_STATUSES,
  delivery: DELIVERY_STATUSES,
};

/** Every service's own routes of the platform: the events endpoint, the token-state notices. */
const PLATFORM_INTERNAL_ROUTES = [EVENTS_PATH, TOKEN_STATE_NOTICES_PATH].map((p) =>
  p.replace('/api/v1/', ''),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function sourcesOf(service: string): Array<{ file: string; text: string }> {
  return sourceFiles(path.join(ROOT, 'services', service, 'src')).map((file) => ({
    file: path.relative(ROOT, file),
    text: readFileSync(file, 'utf8'),
  }));
}

function foreignStatuses(service: string): string[] {
  const own = new Set(OWN_STATUSES[service] ?? []);
  const others = Object.entries(OWN_STATUSES)
    .filter(([owner]) => owner !== service)
    .flatMap(([, statuses]) => statuses);
  return [...new Set(others)].filter((status) => !own.has(status));
}

const describeFound = (found: ForeignName[]) =>
  found.map((f) => `${f.file}:${f.line}: ${f.name}`).join('\n');

describe('service boundaries', () => {
  it('finds the seven services, the gateway and the statuses of order, payment and delivery', () => {
    expect(SERVICES.sort()).toEqual(
      [
        'cart',
        'delivery',
        'gateway',
        'order',
        'order-validation',
        'payment',
        'product',
        'user',
      ].sort(),
    );
    expect(foreignStatuses('cart')).toContain('creada');
    expect(foreignStatuses('order')).toEqual([
      'pendiente',
      'aprobado',
      'rechazado',
      'reembolsado',
      'en_transito',
    ]);
  });

  it.each(SERVICES)("%s's src/ names no other service's status", (service) => {
    const found = findForeignNames(sourcesOf(service), { words: foreignStatuses(service) });
    expect(describeFound(found)).toBe('');
  });

  it.each(SERVICES)("%s's src/ names no other service's internal route", (service) => {
    const sources = sourcesOf(service);
    const allowed = [...ownInternalRoutes(sources), ...PLATFORM_INTERNAL_ROUTES];
    const found = findForeignNames(sources, { internalRoutesExcept: allowed });
    expect(describeFound(found)).toBe('');
  });
});

describe('findForeignNames (the scanner the boundary checks rely on)', () => {
  const file = (text: string) => [{ file: 'x.ts', text }];

  it('finds a foreign status as a whole word, in code, strings and comments', () => {
    const text =
      "const a = 1;\nif (o.status === 'pagada') {}\n// once it is pagada\nx = `is pagada`;";
    expect(findForeignNames(file(text), { words: ['pagada'] }).map((f) => f.line)).toEqual([
      2, 3, 4,
    ]);
  });

  it('does not take a longer identifier or code for the word', () => {
    const text = "code: 'order_not_creada'; const creadas = 1; const precreada = 2;";
    expect(findForeignNames(file(text), { words: ['creada'] })).toEqual([]);
  });

  it("finds another service's internal route, and not the service's own or the platform's", () => {
    const text = [
      "@Controller('internal/orders')",
      "const a = '/api/v1/internal/users/' + id;",
      "const b = '/api/v1/internal/orders/x';",
      "const c = '/api/v1/internal/events';",
    ].join('\n');
    const sources = file(text);
    const allowed = [...ownInternalRoutes(sources), 'internal/events'];
    expect(allowed).toContain('internal/orders');
    const found = findForeignNames(sources, { internalRoutesExcept: allowed });
    expect(found).toEqual([{ file: 'x.ts', line: 2, name: 'internal/users' }]);
  });
});
