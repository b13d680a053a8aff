import type { OpenAPIObject } from '@nestjs/swagger';
import { completeDocument } from './complete-document';

/* eslint-disable @typescript-eslint/no-explicit-any -- documents are plain JSON here */
function sample(): any {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/api/v1/things': {
        get: {
          parameters: [
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'number', example: 20 },
            },
            { name: 'q', in: 'query', required: false, schema: { type: 'string', example: 'x' } },
          ],
          responses: { '200': { description: 'ok' } },
        },
        post: {
          security: [{ bearer: [] }],
          parameters: [
            { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', example: 'k-1' } },
          ],
          requestBody: {
            content: { 'application/json': { schema: { $ref: '#/components/schemas/New' } } },
          },
          responses: {
            '201': { description: 'made' },
            '401': {
              description: 'no token',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
              },
            },
          },
        },
      },
      '/api/v1/things/{id}': {
        get: {
          security: [{ 'service-key': [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'ok' } },
        },
        // no documented body, but a POST may carry one: parsed (and refused) before the route
        delete: {
          security: [{ 'service-key': [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '204': { description: 'gone' } },
        },
      },
      '/health': { get: { responses: { '200': { description: 'up' } } } },
    },
    components: {
      securitySchemes: { bearer: {}, 'service-key': {}, unused: {} },
      schemas: {
        ProblemDto: { type: 'object', properties: { status: { type: 'number' } } },
        New: {
          type: 'object',
          properties: {
            address: { nullable: true, allOf: [{ $ref: '#/components/schemas/Address' }] },
          },
        },
        Address: { type: 'object', properties: { city: { type: 'string' } } },
      },
    },
  };
}

const complete = () =>
  completeDocument(sample() as OpenAPIObject, { throttledPrefix: '/api/v1/' }) as any;

describe('completeDocument', () => {
  it('documents the platform errors where they can happen, as problem+json with samples', () => {
    const doc = complete();
    const statuses = (path: string, method: string) =>
      Object.keys(doc.paths[path][method].responses).sort();
    expect(statuses('/api/v1/things', 'get')).toEqual(['200', '400', '429']);
    expect(statuses('/api/v1/things', 'post')).toEqual(
      ['201', '400', '401', '413', '415', '429', '503'].sort(),
    );
    expect(statuses('/api/v1/things/{id}', 'get')).toEqual([
      '200',
      '400',
      '401',
      '403',
      '414',
      '429',
    ]);
    expect(statuses('/api/v1/things/{id}', 'delete')).toEqual(
      ['204', '400', '401', '403', '413', '414', '415', '429'].sort(),
    );
    expect(statuses('/health', 'get')).toEqual(['200']);
    const unauthorized = doc.paths['/api/v1/things'].post.responses['401'];
    expect(Object.keys(unauthorized.content)).toEqual(['application/problem+json']);
    expect(unauthorized.description).toBe('no token');
    const sampled = Object.values<any>(unauthorized.content['application/problem+json'].examples);
    expect(sampled[0].value).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(doc.paths['/api/v1/things'].post.responses['429'].headers['Retry-After']).toBeDefined();
  });

  it('closes request bodies, opens the problem schema, and makes nullable refs accept null', () => {
    const { schemas } = complete().components;
    expect(schemas.New.additionalProperties).toBe(false);
    expect(schemas.Address.additionalProperties).toBe(false);
    expect(schemas.ProblemDto.additionalProperties).toBe(true);
    expect(schemas.New.properties.address).toEqual({
      anyOf: [
        { $ref: '#/components/schemas/Address' },
        { type: 'object', nullable: true, enum: [null] },
      ],
    });
  });

  it('prefills nothing a client must choose, and says where ids come from', () => {
    const doc = complete();
    const [limit, q] = doc.paths['/api/v1/things'].get.parameters;
    expect(limit.schema.example).toBe(20);
    expect(q.schema.example).toBeUndefined();
    const [key] = doc.paths['/api/v1/things'].post.parameters;
    expect(key.schema.example).toBeUndefined();
    expect(key.description).toMatch(/fresh value/);
    const [id] = doc.paths['/api/v1/things/{id}'].get.parameters;
    expect(id.description).toBe(
      'The `id` in the answer of POST /api/v1/things (or an item of GET /api/v1/things).',
    );
    expect(id.example).toMatch(/^[0-9a-f-]{36}$/);
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['bearer', 'service-key']);
  });
});
