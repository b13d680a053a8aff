import { connect, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** everything the server wrote before closing (or before `collectMs` passed) */
  text: string;
  /** true when the server closed the connection */
  closedByServer: boolean;
}

/**
 * Talks HTTP/1.1 over a plain TCP socket, for what HTTP clients refuse to send (over-long
 * headers, malformed request lines, headers trickled in slowly).
 */
export class RawConnection {
  private readonly chunks: Buffer[] = [];
  private closed = false;
  private readonly closedPromise: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        resolve();
      });
    });
    // a reset by the server is a close like any other here
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes, unless the server has closed already; says whether it could. */
  write(data: string | Buffer): boolean {
    if (this.closed || this.socket.destroyed || !this.socket.writable) return false;
    this.socket.write(data);
    return true;
  }

  /** Waits until the server closes the connection, at most `ms`; true if it did. */
  async waitForClose(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([this.closedPromise, timeout]);
    clearTimeout(timer);
    return this.closed;
  }

  /** Waits until a complete response (by Content-Length) arrived or the socket closed. */
  async response(ms = 5000): Promise<RawResponse> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && !this.closed && !complete(this.text())) {
      await sleep(10);
    }
    return parse(this.text(), this.closed);
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function complete(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
  return length !== null && Buffer.byteLength(text.slice(end + 4)) >= Number(length[1]);
}

function parse(text: string, closedByServer: boolean): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0),
    headers,
    body: end === -1 ? '' : text.slice(end + 4),
    text,
    closedByServer,
  };
}

/** Sends one raw request and reads the answer. */
export async function rawExchange(port: number, request: string | Buffer): Promise<RawResponse> {
  const connection = await RawConnection.open(port);
  try {
    connection.write(request);
    return await connection.response();
  } finally {
    connection.destroy();
  }
}

/** The port a service started with `listen: true` serves on. */
export function portOf(server: { address(): unknown }): number {
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('not listening');
  return (address as { port: number }).port;
}
