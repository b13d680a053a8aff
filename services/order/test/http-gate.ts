import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the gate does with a request its rule matches:
 * - `hold-request`: keeps it until `open()`, then forwards it (a request slow on its way);
 * - `hold-answer`: forwards it, keeps the upstream's answer until `open()` (a slow answer: the
 *   upstream has done the work already);
 * - `drop-answer`: forwards it, then drops the connection instead of answering (the work is
 *   done, the answer lost: a crash or a network cut after the upstream's commit);
 * - `refuse`: drops the connection without forwarding (the upstream unreachable).
 */
export type GateMode = 'pass' | 'hold-request' | 'hold-answer' | 'drop-answer' | 'refuse';

export interface GatedRequest {
  method: string;
  path: string;
  body: string;
}

/**
 * A real HTTP hop between the order service and the product service that a test steers, for
 * the moments a placement cannot be caught at otherwise (between the reservation's commit and
 * the order's). Requests are forwarded as they came; the answer too, unless a rule says
 * otherwise.
 */
export class HttpGate {
  target = '';
  rules: Array<{ match: (request: GatedRequest) => boolean; mode: GateMode }> = [];
  /** every request that matched a rule (`pass` included) since the last reset, oldest first */
  seen: GatedRequest[] = [];
  private waiting: Array<() => void> = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<HttpGate> {
    const gate = new HttpGate(http.createServer());
    gate.server.on('request', (req, res) => void gate.handle(req, res));
    await new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve));
    return gate;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests (or answers) held now. */
  get held(): number {
    return this.waiting.length;
  }

  /** Lets every held request or answer go on. */
  open(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const go of waiting) go();
  }

  when(match: (request: GatedRequest) => boolean, mode: GateMode): void {
    this.rules.unshift({ match, mode });
  }

  reset(): void {
    this.rules = [];
    this.seen = [];
    this.open();
  }

  async stop(): Promise<void> {
    this.reset();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: GatedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const rule = this.rules.find((candidate) => candidate.match(request));
    if (rule) this.seen.push(request);
    const mode = rule?.mode ?? 'pass';
    if (mode === 'refuse') return void req.socket.destroy();
    if (mode === 'hold-request') await this.wait();
    let answer: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
    try {
      answer = await this.forward(req, request);
    } catch {
      return void req.socket.destroy();
    }
    if (mode === 'drop-answer') return void req.socket.destroy();
    if (mode === 'hold-answer') await this.wait();
    const headers = { ...answer.headers };
    for (const hop of ['connection', 'keep-alive', 'transfer-encoding']) delete headers[hop];
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The caller's headers, with the body's own length (no chunking: an empty body stays none). */
  private headersFor(
    req: http.IncomingMessage,
    request: GatedRequest,
    target: URL,
  ): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
    delete headers['transfer-encoding'];
    headers['content-length'] = Buffer.byteLength(request.body);
    return headers;
  }

  private forward(
    req: http.IncomingMessage,
    request: GatedRequest,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    const target = new URL(request.path, this.target);
    return new Promise((resolve, reject) => {
      const out = http.request(
        target,
        { method: request.method, headers: this.headersFor(req, request, target) },
        (upstream) => {
          const body: Buffer[] = [];
          upstream.on('data', (chunk: Buffer) => body.push(chunk));
          upstream.on('end', () =>
            resolve({
              status: upstream.statusCode ?? 502,
              headers: upstream.headers,
              body: Buffer.concat(body),
            }),
          );
          upstream.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(request.body);
    });
  }
}
