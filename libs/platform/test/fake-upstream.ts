import { AddressInfo } from 'node:net';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';

export interface FakeUpstream {
  url: string;
  hits: number;
  lastHeaders?: IncomingHttpHeaders;
  /** JSON bodies received, in arrival order */
  bodies: Array<Record<string, unknown>>;
  /** every request's X-Request-Id with its JSON body (if any), in arrival order */
  received: Array<{ requestId?: string; body?: Record<string, unknown> }>;
  /** how the next requests are answered */
  mode: 'ok' | 'slow' | 'error' | 'not_found';
  delayMs: number;
  /** the status of an `error` answer: 503 (down) unless a test says otherwise (500: a bug) */
  errorStatus: number;
  /** in `ok` mode, the JSON bodies answered as in `error` mode (not kept in `bodies`) */
  refuse?: (body: Record<string, unknown>) => boolean;
  stop(): Promise<void>;
}

/** A real local HTTP server standing in for another service: fast, slow, failing or 404. */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const state = {
    hits: 0,
    mode: 'ok',
    delayMs: 0,
    errorStatus: 503,
    bodies: [],
    received: [],
  } as unknown as FakeUpstream;
  const server: Server = createServer((req, res) => {
    state.hits += 1;
    state.lastHeaders = req.headers;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body =
        chunks.length > 0
          ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
          : undefined;
      const refused = body !== undefined && state.refuse?.(body) === true;
      if (body && state.mode === 'ok' && !refused) state.bodies.push(body);
      const requestId = req.headers['x-request-id'];
      state.received.push({
        requestId: typeof requestId === 'string' ? requestId : undefined,
        body,
      });
      respond(refused);
    });
    const answer = (refused: boolean) => {
      if (state.mode === 'error' || refused) return res.writeHead(state.errorStatus).end('{}');
      if (state.mode === 'not_found') {
        return res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404}');
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"pong":true}');
    };
    const respond = (refused: boolean) => {
      if (state.mode === 'slow') setTimeout(() => answer(refused), state.delayMs).unref();
      else answer(refused);
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
