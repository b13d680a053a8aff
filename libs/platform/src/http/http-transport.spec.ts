import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { HttpTransport } from './http-transport';
import { UpstreamClient } from './upstream-client';

interface Seen {
  method?: string;
  url?: string;
  contentType?: string;
  body: string;
  sockets: Set<unknown>;
}

/** A real server answering whatever the test puts in `answer`, recording what it was sent. */
async function startServer(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: Seen = { body: '', sockets: new Set() };
  const server: Server = createServer((req, res) => {
    seen.method = req.method;
    seen.url = req.url;
    seen.contentType = req.headers['content-type'];
    seen.sockets.add(req.socket);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.body = body;
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, url, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

const settings = {
  timeoutMs: 1000,
  retries: 0,
  breakerThreshold: 100,
  breakerHalfOpenMs: 100,
  baseUrls: {},
};

describe('HttpTransport (the services’ client for calls between them)', () => {
  const transport = new HttpTransport();
  afterAll(() => transport.close());

  it('parses JSON answers (any +json type), keeps other bodies as text, and an empty one as undefined', async () => {
    const cases: Array<[string | undefined, string, unknown]> = [
      ['application/json; charset=utf-8', '{"a":1}', { a: 1 }],
      ['application/problem+json', '{"title":"x"}', { title: 'x' }],
      ['text/plain', '{"a":1}', '{"a":1}'],
      ['text/html', '<h1>bad gateway</h1>', '<h1>bad gateway</h1>'],
      ['application/json', 'not json', 'not json'],
      ['application/json', '', undefined],
      [undefined, 'plain', 'plain'],
    ];
    for (const [type, body, expected] of cases) {
      const server = await startServer((_req, res) => {
        if (type) res.setHeader('content-type', type);
        res.end(body);
      });
      try {
        const answer = await transport.send({
          method: 'GET',
          url: `${server.url}/x`,
          headers: {},
          timeoutMs: 1000,
        });
        expect(answer).toEqual({ status: 200, data: expected });
      } finally {
        await server.stop();
      }
    }
  });

  it('reuses one connection for calls in sequence (keep-alive)', async () => {
    const server = await startServer((_req, res) => res.end());
    try {
      for (let i = 0; i < 20; i++) {
        await transport.send({
          method: 'GET',
          url: `${server.url}/k`,
          headers: {},
          timeoutMs: 1000,
        });
      }
      // undici may open a second one while the first answer's end is being processed
      expect(server.seen.sockets.size).toBeLessThanOrEqual(2);
    } finally {
      await server.stop();
    }
  });

  it('sends a body as JSON with its Content-Type, and no Content-Type without one', async () => {
    const server = await startServer((_req, res) => res.writeHead(204).end());
    try {
      await transport.send({
        method: 'POST',
        url: `${server.url}/p`,
        headers: {},
        json: JSON.stringify({ q: 2 }),
        timeoutMs: 1000,
      });
      expect(server.seen).toMatchObject({ method: 'POST', body: '{"q":2}' });
      expect(server.seen.contentType).toBe('application/json');
      await transport.send({
        method: 'POST',
        url: `${server.url}/p`,
        headers: {},
        timeoutMs: 1000,
      });
      expect(server.seen.contentType).toBeUndefined();
      expect(server.seen.body).toBe('');
    } finally {
      await server.stop();
    }
  });

  it('UpstreamClient builds the URL as axios did: one slash between base and path, the query encoded, undefined values left out', async () => {
    const server = await startServer((_req, res) => res.end());
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('', '/', '//'),
          fc.constantFrom('a/b', '/a/b', '//a/b'),
          fc.dictionary(
            fc.stringMatching(/^[a-z_]{1,8}$/),
            fc.option(fc.oneof(fc.string({ maxLength: 12 }), fc.integer()), { nil: undefined }),
            { maxKeys: 4 },
          ),
          async (baseSlash, path, query) => {
            const client = new UpstreamClient(
              'x',
              `${server.url}${baseSlash}`,
              transport,
              settings,
              undefined,
            );
            await client.request({ method: 'GET', path, query });
            const seen = new URL(server.seen.url ?? '', server.url);
            expect(seen.pathname).toBe('/a/b');
            const expected = Object.entries(query)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => [k, String(v)]);
            expect([...seen.searchParams.entries()]).toEqual(expected);
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      await server.stop();
    }
  });
});
