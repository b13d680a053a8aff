import { AddressInfo } from 'node:net';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** sent as is instead of the JSON of `body` (a proxy's error page) */
  rawBody?: string;
}

export type Handler = (request: RecordedRequest) => Answer | Promise<Answer>;

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** answers to requests matching `path` wait this long (after being processed), once each */
  hang(path: RegExp, ms: number, times?: number): void;
  /** requests matching `path` are processed, then their connection is cut (once each) */
  drop(path: RegExp, times?: number): void;
  stop(): Promise<void>;
}

/** A real HTTP server on a free port for a provider fake: records requests, can answer late. */
export async function startFakeHttpServer(handler: Handler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const hangs: Array<{ path: RegExp; ms: number; times: number }> = [];
  const drops: Array<{ path: RegExp; times: number }> = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded)).then(async (answer) => {
        // processed first, answered late: what a timeout looks like from the client
        const hang = hangs.find((h) => h.times > 0 && h.path.test(recorded.path));
        if (hang) {
          hang.times -= 1;
          await sleep(hang.ms);
        }
        const drop = drops.find((d) => d.times > 0 && d.path.test(recorded.path));
        if (drop) {
          drop.times -= 1;
          req.socket.destroy();
        }
        if (res.destroyed) return;
        res.writeHead(answer.status, {
          'content-type': 'application/json',
          ...answer.headers,
        });
        res.end(answer.rawBody ?? JSON.stringify(answer.body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hang(path, ms, times = 1) {
      hangs.push({ path, ms, times });
    },
    drop(path, times = 1) {
      drops.push({ path, times });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
