import net from 'node:net';
import { Transform, type Writable } from 'node:stream';

export interface TcpProxyOptions {
  /**
   * Holds every byte from the server this long before passing it to the client: the server has
   * done its work and answered, the answer is still on its way. When the server's side closes
   * (a crash; any close, so use it with servers that keep their connections open, as HTTP
   * keep-alive does), the client's is destroyed at once and what was still held is lost, as an
   * answer the server never got out. For tests that must catch a caller between a callee's
   * commit and its own.
   */
  delayToClientMs?: number;
}

/**
 * A TCP proxy a test controls, between a client and a real server (RabbitMQ, PostgreSQL, a
 * service), for
 * outage tests:
 * - `cut` destroys every connection through it and stops listening (new connections are
 *   refused) until `restore`, which listens again on the same port: each side notices at once;
 * - `freeze` lets nothing through any more but closes nothing (each side's bytes wait unread,
 *   new connections are accepted and wait too), as when packets are dropped on the way or the
 *   server's host hangs: each side notices only by its own timeouts (heartbeats). `restore`
 *   lets everything through again, what waited included, on the connections still open.
 */
export class TcpProxy {
  /** every open socket (both sides of each connection) and the one it forwards to */
  private readonly links = new Map<net.Socket, Writable>();
  private server?: net.Server;
  private frozen = false;
  /** connections accepted since start, across cuts */
  connectionsAccepted = 0;

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
    private readonly options: TcpProxyOptions,
  ) {}

  static async start(
    target: { host: string; port: number },
    options: TcpProxyOptions = {},
  ): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, 0, options);
    await proxy.listen();
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's (credentials and path kept). */
  rewrite(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  get openConnections(): number {
    return this.links.size / 2;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.frozen = false;
    for (const socket of this.links.keys()) socket.destroy();
    this.links.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  freeze(): void {
    this.frozen = true;
    for (const [socket, other] of this.links) hold(socket, other);
  }

  async restore(): Promise<void> {
    if (this.frozen) {
      this.frozen = false;
      for (const [socket, other] of this.links) socket.pipe(other);
    }
    if (!this.server) await this.listen();
  }

  stop(): Promise<void> {
    return this.cut();
  }

  private listen(): Promise<void> {
    const server = net.createServer((client) => this.pipe(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private pipe(client: net.Socket): void {
    this.connectionsAccepted++;
    const upstream = net.connect(this.target.port, this.target.host);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      const delayMs = socket === upstream ? (this.options.delayToClientMs ?? 0) : 0;
      // what `socket` forwards into: `other`, or a delay in front of it
      const sink = delayMs > 0 ? delayedInto(other, delayMs) : other;
      this.links.set(socket, sink);
      socket.setNoDelay(true);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.links.delete(socket);
        other.destroy();
      });
      if (this.frozen) hold(socket, sink);
      else socket.pipe(sink);
    }
  }
}

/** A stream that passes each chunk on to `target` `delayMs` after it came. */
function delayedInto(target: net.Socket, delayMs: number): Writable {
  // each chunk on its own timer (a burst is not spread out); equal delays keep the order, and
  // the end waits for the last chunk
  const delay = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      setTimeout(() => this.push(chunk), delayMs);
      done();
    },
    flush(done) {
      setTimeout(done, delayMs);
    },
  });
  delay.pipe(target);
  return delay;
}

/** Stops forwarding: nothing more is read from `socket` (the kernel keeps it, and its FIN). */
function hold(socket: net.Socket, other: Writable): void {
  // unpiped, a drain of `other` cannot set `socket` flowing again
  socket.unpipe(other);
  socket.pause();
}
