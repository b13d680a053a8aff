import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestService, testEnv } from '@app/testing';
import { ConfigError, loadPlatformConfig } from '../src';
import { FixtureModule } from './fixture.module';
import { expectCleanProblem } from './http-assertions';
import { RawConnection, portOf } from './http-raw-client';

// Small timeouts so the suite is quick; a client that misbehaves keeps going for GIVE_UP_MS,
// far longer, so a connection still open then means the server never cut it.
const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 600;
const KEEP_ALIVE_TIMEOUT_MS = 200;
const GIVE_UP_MS = 8000;

/** Writes `data` a byte at a time until the server closes the connection or we give up. */
async function trickle(connection: RawConnection, data: string): Promise<void> {
  const started = Date.now();
  for (let i = 0; Date.now() - started < GIVE_UP_MS; i = (i + 1) % data.length) {
    if (!connection.write(data[i])) return;
    await sleep(40);
  }
}

describe('slow clients are cut (http)', () => {
  let app: NestFastifyApplication;
  let port: number;
  const open: RawConnection[] = [];

  beforeAll(async () => {
    app = await startTestService(
      FixtureModule.forRoot(
        testEnv({
          extra: {
            HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
            HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
            HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
            HTTP_CONNECTION_TIMEOUT_MS: '5000',
          },
        }),
      ),
      { listen: true },
    );
    port = portOf(app.getHttpServer());
  });

  afterAll(async () => {
    open.forEach((connection) => connection.destroy());
    await app?.close();
  });

  const connect = async () => {
    const connection = await RawConnection.open(port);
    open.push(connection);
    return connection;
  };

  it('configures the server from the environment', () => {
    const server = app.getHttpServer() as Server;
    expect(server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(server.timeout).toBe(5000);
  });

  it('closes a connection whose headers trickle in, with 408 problem+json', async () => {
    const connection = await connect();
    connection.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    await trickle(connection, 'X-Slow: abcdefghijklmnopqrstuvwxyz\r\n');
    expect(connection.isClosed).toBe(true);
    const res = await connection.response();
    expectCleanProblem(res, 408);
  });

  it('closes a connection whose body trickles in, with 408 problem+json', async () => {
    const connection = await connect();
    connection.write(
      'POST /api/v1/fixture/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100000\r\n\r\n{"name":"',
    );
    await trickle(connection, 'aaaaaaaaaa');
    expect(connection.isClosed).toBe(true);
    expectCleanProblem(await connection.response(), 408);
  });

  it('closes a connection that never sends a request', async () => {
    const connection = await connect();
    expect(await connection.waitForClose(GIVE_UP_MS)).toBe(true);
  });

  it('closes an idle keep-alive connection after a complete exchange', async () => {
    const connection = await connect();
    connection.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    const res = await connection.response();
    expect(res.status).toBe(200);
    expect(await connection.waitForClose(GIVE_UP_MS)).toBe(true);
  });

  it('still serves a client that sends its request at once', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
  });
});

describe('timeout configuration', () => {
  const load = (env: Record<string, string>) =>
    loadPlatformConfig({ service: 'product', env, database: false });

  it('defaults to 10 s for headers, 30 s per request, 5 s keep-alive, depth 32', () => {
    expect(load({}).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      connectionTimeoutMs: 60_000,
      bodyMaxDepth: 32,
    });
  });

  it('refuses a header timeout above the request timeout, and non-numbers', () => {
    expect(() =>
      load({ HTTP_HEADERS_TIMEOUT_MS: '40000', HTTP_REQUEST_TIMEOUT_MS: '30000' }),
    ).toThrow(/HTTP_HEADERS_TIMEOUT_MS must be at most HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => load({ HTTP_KEEP_ALIVE_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
    expect(() => load({ BODY_MAX_DEPTH: '0' })).toThrow(/BODY_MAX_DEPTH/);
  });
});
