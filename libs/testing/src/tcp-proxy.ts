import net from 'node:net';

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
 * service): `cut` destroys every connection through it and stops listening (new connections are
 * refused) until `restore`, which listens again on the same port. For outage tests.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private server?: net.Server;
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
    return this.sockets.size / 2;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
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
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        other.destroy();
      });
      const delayMs = socket === upstream ? (this.options.delayToClientMs ?? 0) : 0;
      if (delayMs === 0) {
        socket.pipe(other);
        continue;
      }
      socket.on('data', (chunk: Buffer) => {
        setTimeout(() => {
          if (!other.destroyed) other.write(chunk);
        }, delayMs);
      });
    }
  }
}
