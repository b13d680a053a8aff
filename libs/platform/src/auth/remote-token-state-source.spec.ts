import { HttpTransport } from '../http/http-transport';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamUnavailableError } from '../errors/upstream-unavailable.error';
import { UpstreamClient } from '../http/upstream-client';
import { RemoteTokenStateSource, tokenStateBaseUrl } from './remote-token-state-source';

const KEY = 'a-service-key-of-16+chars';
const ALICE = '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f';

/**
 * A stand-in for the user service's token-state route over real HTTP: it counts the lookups,
 * answers the version set by the test, and can hold its answers until released (to have
 * lookups in flight at a chosen moment).
 */
class FakeUserService {
  calls = 0;
  keys: Array<string | undefined> = [];
  version = 0;
  deleted = false;
  status = 200;
  private held: Array<() => void> = [];
  holding = false;

  private constructor(readonly server: Server) {}

  static async start(): Promise<FakeUserService> {
    const ref: { fake?: FakeUserService } = {};
    const server = createServer((req, res) => {
      const f = ref.fake!;
      f.calls += 1;
      f.keys.push(req.headers['x-service-key'] as string | undefined);
      // the answer is what is true when the request arrives, even if it is sent later
      const body = JSON.stringify({ token_version: f.version, deleted: f.deleted });
      const status = f.status;
      const send = () => res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      if (f.holding) f.held.push(send);
      else send();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ref.fake = new FakeUserService(server);
    return ref.fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  release(): void {
    this.holding = false;
    for (const send of this.held.splice(0)) send();
  }

  async waitForCalls(n: number): Promise<void> {
    while (this.calls < n) await sleep(5);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function sourceFor(baseUrl: string, ttlMs: number, maxSize?: number): RemoteTokenStateSource {
  const client = new UpstreamClient(
    'user',
    baseUrl,
    new HttpTransport(),
    { timeoutMs: 1000, retries: 0, breakerThreshold: 1000, breakerHalfOpenMs: 1000, baseUrls: {} },
    KEY,
  );
  return new RemoteTokenStateSource(client, ttlMs, maxSize);
}

describe('RemoteTokenStateSource', () => {
  let fake: FakeUserService;

  beforeEach(async () => {
    fake = await FakeUserService.start();
  });
  afterEach(async () => {
    fake.release();
    await fake.stop();
  });

  it('shares one lookup among concurrent requests of a user, then answers from the cache', async () => {
    const source = sourceFor(fake.url, 60_000);
    fake.holding = true;
    const pending = Array.from({ length: 10 }, () => source.stateFor(ALICE, 0));
    await fake.waitForCalls(1);
    fake.release();
    const states = await Promise.all(pending);
    expect(states).toEqual(Array(10).fill({ tokenVersion: 0, deleted: false }));
    for (let i = 0; i < 10; i += 1) await source.stateFor(ALICE, 0);
    expect(fake.calls).toBe(1);
    expect(fake.keys).toEqual([KEY]);
  });

  it('judges an older token by the cache, but refreshes for a newer one', async () => {
    const source = sourceFor(fake.url, 60_000);
    await source.stateFor(ALICE, 0);
    fake.version = 1;
    // a token at version 0: the cached 0 still says valid (the documented window)
    expect(await source.stateFor(ALICE, 0)).toEqual({ tokenVersion: 0, deleted: false });
    expect(fake.calls).toBe(1);
    // a token at version 1 was issued after the cached answer: asked again
    expect(await source.stateFor(ALICE, 1)).toEqual({ tokenVersion: 1, deleted: false });
    expect(fake.calls).toBe(2);
    // and from now on the version-0 token is judged by the new answer
    expect((await source.stateFor(ALICE, 0)).tokenVersion).toBe(1);
    expect(fake.calls).toBe(2);
  });

  it('asks again when the lookup it joined started before its newer token existed', async () => {
    const source = sourceFor(fake.url, 60_000);
    fake.holding = true;
    const early = source.stateFor(ALICE, 0); // the lookup starts while the version is 0
    await fake.waitForCalls(1);
    fake.version = 1; // the user changes their password and logs in again
    const late = source.stateFor(ALICE, 1); // joins the lookup in flight
    fake.release();
    expect(await early).toEqual({ tokenVersion: 0, deleted: false });
    expect(await late).toEqual({ tokenVersion: 1, deleted: false });
    expect(fake.calls).toBe(2);
  });

  it('learns a notice at once, and no older answer or notice replaces it', async () => {
    const source = sourceFor(fake.url, 60_000);
    await source.stateFor(ALICE, 0); // cached: version 0
    fake.holding = true;
    fake.version = 0; // the user service's answer below was read before the change
    const racing = source.stateFor(ALICE, 1); // a lookup in flight (a newer token than cached)
    await fake.waitForCalls(2);
    source.learn(ALICE, { tokenVersion: 3, deleted: false }); // the notice arrives meanwhile
    fake.release();
    await racing;
    expect(await source.stateFor(ALICE, 0)).toEqual({ tokenVersion: 3, deleted: false });
    source.learn(ALICE, { tokenVersion: 2, deleted: false }); // late, older: ignored
    expect((await source.stateFor(ALICE, 0)).tokenVersion).toBe(3);
    source.learn(ALICE, { tokenVersion: 0, deleted: true }); // deletion is final
    source.learn(ALICE, { tokenVersion: 9, deleted: false });
    expect((await source.stateFor(ALICE, 9)).deleted).toBe(true);
    expect(fake.calls).toBe(2);
  });

  it('asks again once the TTL has passed; with TTL 0, on every request', async () => {
    const source = sourceFor(fake.url, 30);
    await source.stateFor(ALICE, 0);
    await sleep(60);
    fake.deleted = true;
    expect((await source.stateFor(ALICE, 0)).deleted).toBe(true);
    expect(fake.calls).toBe(2);

    const uncached = sourceFor(fake.url, 0);
    for (let i = 0; i < 3; i += 1) await uncached.stateFor(ALICE, 0);
    expect(fake.calls).toBe(5);
  });

  it('keeps at most maxSize users', async () => {
    const source = sourceFor(fake.url, 60_000, 2);
    const users = [
      ALICE,
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
    ];
    for (const id of users) await source.stateFor(id, 0);
    await source.stateFor(users[2], 0);
    await source.stateFor(users[1], 0);
    expect(fake.calls).toBe(3);
    await source.stateFor(ALICE, 0); // evicted first
    expect(fake.calls).toBe(4);
  });

  it('is a 503 (upstream unavailable) when the user service cannot answer or refuses the key', async () => {
    fake.status = 403;
    await expect(sourceFor(fake.url, 60_000).stateFor(ALICE, 0)).rejects.toBeInstanceOf(
      UpstreamUnavailableError,
    );
    const closed = await FakeUserService.start();
    const url = closed.url;
    await closed.stop();
    await expect(sourceFor(url, 60_000).stateFor(ALICE, 0)).rejects.toBeInstanceOf(
      UpstreamUnavailableError,
    );
  });
});

describe('tokenStateBaseUrl', () => {
  it.each([
    ['http://user:8001/api/v1/auth/jwks.json', 'http://user:8001'],
    ['https://gw.example/user/api/v1/auth/jwks.json', 'https://gw.example/user'],
    ['http://127.0.0.1:4321/jwks.json', 'http://127.0.0.1:4321'],
  ])('%s → %s', (jwks, base) => {
    expect(tokenStateBaseUrl(jwks)).toBe(base);
  });
});
