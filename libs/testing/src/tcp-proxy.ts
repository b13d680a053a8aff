import net from 'node:net';

/**
 * A TCP proxy a test controls, between a client and a real server (RabbitMQ, PostgreSQL), for
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
  private readonly links = new Map<net.Socket, net.Socket>();
  private server?: net.Server;
  private frozen = false;
  /** connections accepted since start, across cuts */
  connectionsAccepted = 0;

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, 0);
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
      this.links.set(socket, other);
      socket.setNoDelay(true);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.links.delete(socket);
        other.destroy();
      });
      if (this.frozen) hold(socket, other);
      else socket.pipe(other);
    }
  }
}

/** Stops forwarding: nothing more is read from `socket` (the kernel keeps it, and its FIN). */
function hold(socket: net.Socket, other: net.Socket): void {
  // unpiped, a drain of `other` cannot set `socket` flowing again
  socket.unpipe(other);
  socket.pause();
}
