// Turns each operation's mutations into requests, sends them, checks every response.
import fc from 'fast-check';
import { Credential, Draft, Fresh, baseline, ownerOf } from './baseline';
import type { Fixtures } from './fixtures';
import { SERVICES, SERVICE_KEYS, ServiceName } from './fuzz-platform';
import { Location, Mutation, mutationsOf } from './mutations';
import type { Operation } from './openapi';
import { RawRequest, RawResponse, send } from './raw-http';
import { Check, LONG_INPUT, Violation, checkResponse, shortBody } from './response-checks';
import { FLAG, RawJson, percentEncode, stringify } from './wire';

/** Tokens by role; `refresh` mints new ones (a password change may refuse older tokens). */
export interface Credentials {
  admin: string;
  /** a customer token per user id (the customer, the victim) */
  customers: Record<string, string>;
  expired: string;
  refresh(): Promise<void>;
}

interface CredentialOption {
  label: string;
  /** read at send time, so a refreshed token is used */
  headers: () => Record<string, string>;
}

/** Operations that change a fixture for good when they succeed (cancel, refund, …). */
export const DESTRUCTIVE = /\/(cancel|refund|release|status|redrive|checkout)$/;

export interface RequestSummary {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Outcome {
  op: string;
  phase: 'probe' | 'sweep' | 'random' | 'service';
  /** the case's number within its operation and phase: with the seed, it replays the case */
  index: number;
  mutations: Array<{ location: Location; target: string; kind: string }>;
  credential: string;
  request: RequestSummary;
  /** what the request carried, whichever mutation put it there (see `traitsOf`) */
  traits: Trait[];
  status: number;
  shortBody: string;
  violations: Violation[];
  /** round trip, for the report's cost figures only (never asserted) */
  ms: number;
}

export type Trait = 'nul' | 'lone-surrogate' | 'deep-nesting' | 'null-field';

export interface RunOptions {
  seed: number;
  /** random-phase cases per operation */
  runs: number;
}

const freshArb: fc.Arbitrary<Fresh> = fc.record({ uuid: fc.uuid({ version: 4 }), n: fc.nat() });

/** A 32-bit seed per operation, from the run's seed and the operation's name. */
export function seedFor(seed: number, name: string): number {
  let hash = seed | 0;
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) | 0;
  return hash;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

const serviceKey = (name: ServiceName): CredentialOption => ({
  label: `key:${name}`,
  headers: () => ({ 'x-service-key': SERVICE_KEYS[name] }),
});

function userTokens(op: Operation, fx: Fixtures, creds: Credentials): CredentialOption[] {
  return [
    { label: 'customer', headers: () => bearer(creds.customers[ownerOf(op, fx).id]) },
    { label: 'admin', headers: () => bearer(creds.admin) },
  ];
}

/** Every credential that could open an operation, the one its document asks for first. */
function candidates(op: Operation, fx: Fixtures, creds: Credentials): CredentialOption[] {
  return [
    ...(op.security.includes('bearer') ? userTokens(op, fx, creds) : []),
    ...(op.security.includes('service-key') ? SERVICES.map(serviceKey) : []),
  ];
}

function allCredentials(op: Operation, fx: Fixtures, creds: Credentials): CredentialOption[] {
  return [...userTokens(op, fx, creds), ...SERVICES.map(serviceKey)];
}

function longInputsOf(draft: Draft, raw: RawRequest): string[] {
  const found: string[] = [];
  const visit = (value: unknown) => {
    if (typeof value === 'string' && value.length >= LONG_INPUT) found.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(draft.body);
  Object.values(draft.pathParams).forEach(visit);
  draft.query.forEach(([, value]) => visit(value));
  Object.values(raw.headers).forEach(visit);
  if (raw.body && raw.body.length >= LONG_INPUT) found.push(raw.body.toString('latin1'));
  // the middle of the input: its start may be a generic prefix (`{"a":`, `/api/v1/`)
  return found.map((input) => input.slice(Math.floor(input.length / 2) - 32));
}

/** Control characters and lone surrogates written as \uXXXX, so a report shows what was sent. */
function visible(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what this shows
    /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const WTF8_SURROGATE = /%ED%[AB][0-9A-F]/i;

/** Deepest nesting of JSON text (strings skipped); stops counting once past `limit`. */
function depthOf(text: string, limit = 1000): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length && max <= limit; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

/**
 * The request's traits, found in what was sent rather than in the mutation names, so a cause
 * (a NUL, a lone surrogate, deep nesting, a null) is recognised whichever mutation, random or
 * not, produced it.
 */
function traitsOf(draft: Draft, raw: RawRequest): Trait[] {
  const strings: string[] = [];
  let nullField = false;
  const visit = (value: unknown, inObject: boolean) => {
    if (value === null && inObject) nullField = true;
    if (typeof value === 'string') strings.push(value);
    else if (value instanceof RawJson) return;
    else if (Array.isArray(value)) value.forEach((v) => visit(v, false));
    else if (value && typeof value === 'object')
      Object.values(value).forEach((v) => visit(v, true));
  };
  if (!draft.rawBody) visit(draft.body, false);
  Object.values(draft.pathParams).forEach((v) => visit(v, false));
  draft.query.forEach(([, v]) => visit(v, false));
  const body = raw.body?.toString('utf8') ?? '';
  const traits: Trait[] = [];
  if (
    strings.some((t) => t.includes('\u0000')) ||
    raw.path.includes('%00') ||
    body.includes('\\u0000')
  ) {
    traits.push('nul');
  }
  if (strings.some((t) => LONE_SURROGATE.test(t)) || WTF8_SURROGATE.test(raw.path)) {
    traits.push('lone-surrogate');
  }
  if (depthOf(body) > 1000) traits.push('deep-nesting');
  if (nullField) traits.push('null-field');
  return traits;
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

function summarize(raw: RawRequest, credential: string): RequestSummary {
  const headers = { ...raw.headers };
  if (headers.authorization) headers.authorization = `Bearer <${credential}>`;
  if (headers['x-service-key']) headers['x-service-key'] = `<${credential}>`;
  for (const [name, value] of Object.entries(headers)) headers[name] = clip(value, 120);
  return {
    method: raw.method,
    path: clip(raw.path),
    headers,
    body: raw.body ? clip(visible(raw.body.toString('utf8'))) : undefined,
  };
}

export class Runner {
  readonly outcomes: Outcome[] = [];
  /** credentials each operation accepts (found by asking it), by operation key */
  readonly accepted = new Map<string, CredentialOption[]>();

  constructor(
    private readonly urls: Record<ServiceName, string>,
    private readonly fx: Fixtures,
    private readonly creds: Credentials,
    private readonly options: RunOptions,
  ) {}

  private toRaw(op: Operation, draft: Draft, auth: Record<string, string>, id: string): RawRequest {
    const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
      percentEncode(draft.pathParams[name] ?? ''),
    );
    const query = draft.query
      .map(([key, value]) =>
        value === FLAG ? percentEncode(key) : `${percentEncode(key)}=${percentEncode(value)}`,
      )
      .join('&');
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      'x-request-id': id,
      ...draft.headers,
      ...auth,
    };
    let body: Buffer | undefined;
    if (draft.rawBody) body = draft.rawBody;
    else if (draft.hasBody) body = Buffer.from(stringify(draft.body), 'utf8');
    if (body && draft.contentType !== null) headers['content-type'] = draft.contentType;
    return { method: draft.method, path: query ? `${path}?${query}` : path, headers, body };
  }

  private credentialFor(op: Operation, credential: Credential, index: number): CredentialOption {
    const none = { label: 'none', headers: () => ({}) };
    if (op.security.length === 0) return { label: 'public', headers: () => ({}) };
    const accepted = this.accepted.get(op.key) ?? [];
    switch (credential) {
      case 'valid':
        return accepted[index % accepted.length] ?? none;
      case 'none':
        return none;
      case 'garbage-bearer':
        return { label: 'garbage-bearer', headers: () => bearer('not.a.jwt') };
      case 'expired-token':
        return { label: 'expired-token', headers: () => bearer(this.creds.expired) };
      case 'wrong-key':
        return {
          label: 'wrong-key',
          headers: () => ({ 'x-service-key': 'not-a-service-key-000000' }),
        };
      case 'other': {
        const labels = new Set(accepted.map((a) => a.label));
        const other = allCredentials(op, this.fx, this.creds).find((c) => !labels.has(c.label));
        return other ?? none;
      }
    }
  }

  private async exchange(
    op: Operation,
    draft: Draft,
    credential: CredentialOption,
    meta: Pick<Outcome, 'phase' | 'index' | 'mutations'>,
  ): Promise<RawResponse> {
    const raw = this.toRaw(op, draft, credential.headers(), `fuzz-${meta.phase}-${meta.index}`);
    const sentAt = performance.now();
    const res = await send(this.urls[op.service as ServiceName], raw);
    const ms = Math.round(performance.now() - sentAt);
    this.outcomes.push({
      op: op.key,
      ...meta,
      credential: credential.label,
      request: summarize(raw, credential.label),
      traits: traitsOf(draft, raw),
      status: res.status,
      shortBody: shortBody(res),
      violations: checkResponse(res, longInputsOf(draft, raw)),
      ms,
    });
    return res;
  }

  /** Finds which credentials open the operation: those not answered 401 or 403. */
  async probe(op: Operation): Promise<void> {
    const options = candidates(op, this.fx, this.creds);
    if (options.length === 0) return;
    const [fresh] = fc.sample(freshArb, { seed: seedFor(this.options.seed, op.key), numRuns: 1 });
    const accepted: CredentialOption[] = [];
    for (const [index, option] of options.entries()) {
      const draft = baseline(op, this.fx, fresh);
      // An empty body, refused by validation (or a no-op). The real ids, so an owner is told
      // from a stranger, except where acting on them would cancel, refund or delete the
      // fixtures: a random id there, answered 404 before anything happens.
      if (op.method === 'DELETE' || DESTRUCTIVE.test(op.path)) {
        for (const name of Object.keys(draft.pathParams)) draft.pathParams[name] = fresh.uuid;
      }
      if (draft.hasBody) draft.body = {};
      const res = await this.exchange(op, draft, option, {
        phase: 'probe',
        index,
        mutations: [],
      });
      if (res.status !== 401 && res.status !== 403) accepted.push(option);
    }
    this.accepted.set(op.key, accepted);
  }

  /** Every mutation of the operation once. */
  async sweep(op: Operation): Promise<number> {
    await this.creds.refresh();
    const mutations = mutationsOf(op).filter((m) => m.sweep);
    const [values] = fc.sample(fc.tuple(...mutations.map((m) => fc.tuple(m.arb, freshArb))), {
      seed: seedFor(this.options.seed, op.key),
      numRuns: 1,
    });
    for (const [index, mutation] of mutations.entries()) {
      const [value, fresh] = values[index];
      const draft = baseline(op, this.fx, fresh);
      mutation.apply(draft, value);
      await this.exchange(op, draft, this.credentialFor(op, draft.credential, index), {
        phase: 'sweep',
        index,
        mutations: [describe(mutation)],
      });
    }
    return mutations.length;
  }

  /** `runs` requests, each with one to three mutations at once, random values included. */
  async random(op: Operation): Promise<number> {
    if (this.options.runs <= 0) return 0;
    await this.creds.refresh();
    const mutations = mutationsOf(op);
    const cases = fc.sample(
      fc.record({
        picks: fc.uniqueArray(fc.nat({ max: mutations.length - 1 }), {
          minLength: 1,
          maxLength: 3,
        }),
        values: fc.tuple(...mutations.map((m) => m.arb)),
        fresh: freshArb,
        credential: fc.constantFrom<Credential>('valid', 'valid', 'valid', 'none', 'other'),
      }),
      { seed: seedFor(this.options.seed, op.key) + 1, numRuns: this.options.runs },
    );
    for (const [index, { picks, values, fresh, credential }] of cases.entries()) {
      const draft = baseline(op, this.fx, fresh);
      draft.credential = credential;
      for (const pick of picks) mutations[pick].apply(draft, values[pick]);
      await this.exchange(op, draft, this.credentialFor(op, draft.credential, index), {
        phase: 'random',
        index,
        mutations: picks.map((pick) => describe(mutations[pick])),
      });
    }
    return cases.length;
  }

  /** Requests no single operation owns: unknown routes and methods, oversized heads. */
  async serviceWide(service: ServiceName): Promise<number> {
    const op: Operation = {
      service,
      method: 'GET',
      path: '/health',
      key: `${service} * (any route)`,
      parameters: [],
      bodyRequired: false,
      security: [],
    };
    const cases: Array<[string, Partial<Draft> & { path?: string }]> = [
      ['unknown-route', { path: '/api/v1/fuzz-no-such-route' }],
      ['unknown-route-deep', { path: `/api/v1/${'seg/'.repeat(200)}` }],
      ['unknown-method', { method: 'FUZZ' }],
      ['unrouted-method', { method: 'DELETE' }],
      ['options', { method: 'OPTIONS' }],
      ['huge-header', { headers: { 'x-fuzz-filler': 'h'.repeat(20_000) } }],
      ['long-url', { path: `/api/v1/${'u'.repeat(20_000)}` }],
      ['bad-percent-path', { path: '/api/v1/%zz' }],
      ['nul-in-path', { path: '/api/v1/products/%00' }],
      ['bad-percent-query', { path: '/health?x=%zz' }],
      ['long-request-id', { headers: { 'x-request-id': 'r'.repeat(10_000) } }],
      ['markup-request-id', { headers: { 'x-request-id': '<script>alert(1)</script>' } }],
      ['accept-xml', { headers: { accept: 'application/xml' } }],
    ];
    for (const [index, [kind, change]] of cases.entries()) {
      const draft: Draft = {
        method: change.method ?? 'GET',
        pathParams: {},
        query: [],
        headers: change.headers ?? {},
        hasBody: false,
        contentType: null,
        credential: 'none',
      };
      const path = change.path ?? '/health';
      const raw = this.toRaw({ ...op, path }, draft, {}, `fuzz-service-${index}`);
      // the request id cases send their own
      if (change.headers?.['x-request-id'])
        raw.headers['x-request-id'] = change.headers['x-request-id'];
      const sentAt = performance.now();
      const res = await send(this.urls[service], raw);
      const ms = Math.round(performance.now() - sentAt);
      this.outcomes.push({
        op: op.key,
        phase: 'service',
        index,
        mutations: [{ location: 'request', target: '', kind }],
        credential: 'none',
        request: summarize(raw, 'none'),
        traits: traitsOf(draft, raw),
        status: res.status,
        shortBody: shortBody(res),
        violations: checkResponse(res, longInputsOf(draft, raw)),
        ms,
      });
    }
    return cases.length;
  }
}

function describe(m: Mutation): { location: Location; target: string; kind: string } {
  return { location: m.location, target: m.target, kind: m.kind };
}

export type { Check };
