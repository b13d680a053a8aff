// The fuzz suite's own parts, without services: the response checks must be able to fail, the
// wire encodings must send what they claim, and the known-failures bookkeeping must catch both
// an unlisted failure and an entry that no longer occurs.
import type { KnownFailure } from './known-failures';
import { knownFailureFor, staleKnownFailures } from './failure-report';
import { fieldsOf, operationsOf, pointerText } from './openapi';
import type { RawResponse } from './raw-http';
import { checkResponse } from './response-checks';
import type { Outcome } from './runner';
import { Encoded, RawJson, nestedArrays, percentEncode, stringify } from './wire';

const problem = (status: number, extra: Record<string, unknown> = {}): RawResponse => ({
  status,
  headers: { 'content-type': 'application/problem+json; charset=utf-8' },
  text: JSON.stringify({
    type: 'https://nest-commerce.dev/problems/validation-error',
    title: 'Bad Request',
    status,
    detail: 'name must be a string',
    instance: '/api/v1/products',
    ...extra,
  }),
});

const checksOf = (res: RawResponse, long: string[] = []) =>
  checkResponse(res, long).map((v) => v.check);

describe('response checks', () => {
  it('accept a well-formed problem and a plain 2xx', () => {
    expect(checksOf(problem(400))).toEqual([]);
    expect(checksOf({ status: 200, headers: {}, text: '{"id":"x","created_at":"2025"}' })).toEqual(
      [],
    );
  });

  it('flag a 5xx, a non-problem error and a problem whose status differs', () => {
    expect(checksOf(problem(500))).toEqual(['status-5xx']);
    expect(
      checksOf({ status: 404, headers: { 'content-type': 'application/json' }, text: '{}' }),
    ).toEqual(['not-problem-json']);
    expect(checksOf({ ...problem(400), status: 409 })).toEqual(['problem-shape']);
    expect(checksOf({ ...problem(400), text: '{"type":"x","title":"y","status":400}' })).toEqual([
      'problem-shape',
    ]);
    expect(checksOf({ status: 0, headers: {}, text: '', error: 'ECONNRESET' })).toEqual([
      'no-response',
    ]);
  });

  it.each([
    ['leak-stack', 'TypeError: x\n    at Foo.bar (/srv/app/dist/main.js:10:5)'],
    ['leak-stack', 'failed in order.presenter.ts:17'],
    ['leak-sql', 'SELECT "id" FROM "products"'],
    ['leak-sql', 'new row violates check constraint'],
    ['leak-sql', 'invalid input syntax for type uuid'],
    ['leak-sql', 'syntax error at or near "x"'],
    ['leak-path', 'cannot open /home/app/config.json'],
    ['leak-framework', 'FST_ERR_CTP_INVALID_JSON'],
  ])('flag %s in a body: %s', (check, detail) => {
    expect(checksOf(problem(400, { detail }))).toContain(check);
  });

  it('do not take prose for a leak', () => {
    expect(checksOf(problem(400, { detail: 'name must be at most 200 characters' }))).toEqual([]);
    expect(checksOf(problem(409, { detail: 'expired at 2025-01-15T10:30:00Z' }))).toEqual([]);
  });

  it('flag an error body or any header that quotes a long input back, and a foreign request id', () => {
    const long = 'a'.repeat(300);
    expect(checksOf(problem(414, { instance: `/api/v1/products/${long}` }), [long])).toEqual([
      'echo-long-input',
    ]);
    expect(
      checksOf({ status: 200, headers: { 'x-request-id': long }, text: '{}' }, [long]),
    ).toEqual(['request-id', 'echo-long-input']);
    expect(checksOf({ status: 200, headers: { 'x-request-id': '<script>' }, text: '{}' })).toEqual([
      'request-id',
    ]);
  });
});

describe('wire encodings', () => {
  it('percent-encode a lone surrogate as its WTF-8 bytes, pairs and NUL as UTF-8', () => {
    expect(percentEncode('a\ud800b')).toBe('a%ED%A0%80b');
    expect(percentEncode('\udfff')).toBe('%ED%BF%BF');
    expect(percentEncode('\u{1F600}')).toBe(encodeURIComponent('\u{1F600}'));
    expect(percentEncode('x\u0000/é')).toBe('x%00%2F%C3%A9');
    expect(percentEncode(new Encoded('%zz'))).toBe('%zz');
  });

  it('write raw JSON tokens verbatim and escape what JSON.stringify escapes', () => {
    expect(stringify({ a: new RawJson('1e400'), b: '\u0000\ud800' })).toBe(
      '{"a":1e400,"b":"\\u0000\\ud800"}',
    );
    expect(stringify(nestedArrays(3))).toBe('[[[]]]');
  });
});

describe('OpenAPI reading', () => {
  it('finds every operation, its security, and every body field down the nesting', () => {
    const [op] = operationsOf('order', {
      paths: {
        '/api/v1/orders': {
          post: {
            security: [{ bearer: [] }, { 'service-key': [] }],
            requestBody: {
              content: { 'application/json': { schema: { $ref: '#/components/schemas/C' } } },
            },
          },
        },
      },
      components: {
        schemas: {
          C: {
            type: 'object',
            required: ['items'],
            properties: {
              items: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/I' } },
              address: { allOf: [{ $ref: '#/components/schemas/A' }] },
            },
          },
          I: { type: 'object', properties: { quantity: { type: 'number' } } },
          A: { type: 'object', properties: { city: { type: ['string', 'null'] } } },
        },
      },
    });
    expect(op.security).toEqual(['bearer', 'service-key']);
    expect(fieldsOf(op.body!).map((f) => pointerText(f.pointer))).toEqual([
      '.items',
      '.items[0]',
      '.items[0].quantity',
      '.address',
      '.address.city',
    ]);
  });
});

describe('known-failures bookkeeping', () => {
  const list: KnownFailure[] = [
    {
      id: 'offset',
      cause: 'offset too large',
      owner: 'someone',
      match: { input: /^query:number:1e20$/, target: /^offset$/, status: 500 },
    },
    {
      id: 'nul',
      cause: 'NUL',
      owner: 'someone',
      match: { trait: 'nul', check: 'status-5xx' },
    },
  ];
  const outcome = (over: Partial<Outcome>): Outcome => ({
    op: 'product GET /api/v1/products',
    phase: 'sweep',
    index: 0,
    mutations: [{ location: 'query', target: 'offset', kind: 'number:1e20' }],
    credential: 'public',
    request: { method: 'GET', path: '/api/v1/products?offset=1e20', headers: {} },
    traits: [],
    status: 500,
    shortBody: 'internal-error',
    violations: [{ check: 'status-5xx', detail: 'status 500' }],
    ms: 1,
    ...over,
  });

  it('matches a failure to its entry by input and target, or by what the request carried', () => {
    expect(knownFailureFor(outcome({}), 'status-5xx', list)?.id).toBe('offset');
    const nul = outcome({
      mutations: [{ location: 'body', target: '.name', kind: 'random-text' }],
      traits: ['nul'],
    });
    expect(knownFailureFor(nul, 'status-5xx', list)?.id).toBe('nul');
  });

  it('leaves a failure of another cause unlisted', () => {
    const other = outcome({
      mutations: [{ location: 'body', target: '.name', kind: 'wrong-type' }],
    });
    expect(knownFailureFor(other, 'status-5xx', list)).toBeUndefined();
    expect(knownFailureFor(outcome({ status: 400 }), 'not-problem-json', list)).toBeUndefined();
  });

  it('calls an entry stale once no sweep failure matches it, whatever random cases show', () => {
    expect(staleKnownFailures([outcome({})], list).map((k) => k.id)).toEqual(['nul']);
    expect(staleKnownFailures([outcome({ phase: 'random' })], list).map((k) => k.id)).toEqual([
      'offset',
      'nul',
    ]);
  });
});
