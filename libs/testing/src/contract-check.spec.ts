import { RecordedResponse, checkResponses } from './contract-check';

const document = {
  paths: {
    '/api/v1/things/{id}': {
      get: {
        responses: {
          '200': {
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '404': {
            content: {
              'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
            },
          },
        },
      },
      delete: { responses: { '204': { description: 'Deleted' } } },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'owner'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          owner: {
            anyOf: [
              { $ref: '#/components/schemas/Owner' },
              { type: 'object', nullable: true, enum: [null] },
            ],
          },
          note: { type: 'string', nullable: true },
        },
      },
      Owner: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      Problem: {
        type: 'object',
        required: ['status'],
        properties: { status: { type: 'number' } },
        additionalProperties: true,
      },
    },
  },
};

const ID = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';
const get = (status: number, contentType: string, body: unknown): RecordedResponse => ({
  method: 'GET',
  path: '/api/v1/things/{id}',
  status,
  contentType,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('checkResponses', () => {
  it('accepts documented responses, nullables included', () => {
    expect(
      checkResponses(document, [
        get(200, 'application/json; charset=utf-8', { id: ID, owner: null, note: null }),
        get(200, 'application/json', { id: ID, owner: { name: 'Ada' }, note: 'x' }),
        get(404, 'application/problem+json', { status: 404, order_id: ID }),
        {
          method: 'DELETE',
          path: '/api/v1/things/{id}',
          status: 204,
          contentType: undefined,
          body: '',
        },
        {
          method: 'GET',
          path: '/docs-json',
          status: 200,
          contentType: 'text/html',
          body: '<html>',
        },
      ]),
    ).toEqual([]);
  });

  it('reports an undocumented status, operation, content type or body', () => {
    const violations = checkResponses(document, [
      get(409, 'application/problem+json', { status: 409 }),
      { ...get(200, 'application/json', {}), method: 'PUT' },
      get(404, 'application/json', { status: 404 }),
      get(200, 'application/json', { id: 'nope', owner: { name: 1 } }),
      get(200, 'application/json', '{not json'),
    ]);
    expect(violations).toEqual([
      expect.stringContaining('GET /api/v1/things/{id} → 409: status not documented'),
      expect.stringContaining(
        'PUT /api/v1/things/{id} → 200: the operation is not in the document',
      ),
      expect.stringContaining('content type application/json not documented'),
      expect.stringMatching(/→ 200: body does not match the schema: .*format "uuid"/),
      expect.stringContaining('body is not JSON'),
    ]);
  });
});
