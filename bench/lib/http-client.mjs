// One bench client: its own loopback source address (127.x.y.z on Linux, so each client is one
// client IP for the services' per-IP rate limit, as in production) and its own keep-alive agent
// (connections reused between requests, as a browser or an app would).
import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';

/** Whether this machine lets a socket bind 127.x.y.z other than 127.0.0.1 (Linux: all of 127/8). */
export function canSpreadAddresses() {
  return new Promise((resolve) => {
    const probe = net.connect({ port: 9, host: '127.0.0.1', localAddress: '127.9.9.9' });
    probe.once('error', (err) => resolve(err.code === 'ECONNREFUSED'));
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
  });
}

/** The `n`-th address (0-based) of block `block` (1-199): 127.<block + 10>.<n / 250>.<n % 250 + 1>. */
export function loopbackAddress(block, n) {
  return `127.${block + 10}.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

export class HttpClient {
  /** @param {string | undefined} localAddress undefined: the system's choice (127.0.0.1) */
  constructor(localAddress) {
    this.localAddress = localAddress;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 4, localAddress });
  }

  /**
   * One JSON request. Never throws: a network failure or timeout is status 0 with the error's
   * message as body.
   * @returns {Promise<{status: number, body: any, headers: Record<string, string | string[]>}>}
   */
  async request(method, url, options = {}) {
    const res = await this.once(method, url, options);
    // A kept-alive connection the server closed (idle past its keep-alive timeout) just as this
    // request was written to it: the server never read it, send it again on a new connection.
    return res.staleSocket ? this.once(method, url, options) : res;
  }

  once(method, url, { token, body, headers = {}, timeoutMs = 30_000 } = {}) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const h = {
      accept: 'application/json, application/problem+json',
      'x-request-id': `bench-${randomUUID()}`,
      ...headers,
    };
    if (token) h.authorization = `Bearer ${token}`;
    if (payload !== undefined) {
      h['content-type'] = 'application/json';
      h['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve) => {
      const req = http.request(
        url,
        { method, headers: h, agent: this.agent, localAddress: this.localAddress },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed = text;
            if ((res.headers['content-type'] ?? '').includes('json') && text) {
              try {
                parsed = JSON.parse(text);
              } catch {
                /* kept as text */
              }
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
          });
          res.on('error', (err) => resolve({ status: 0, body: err.message, headers: {} }));
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err) =>
        resolve({
          status: 0,
          body: err.message,
          headers: {},
          staleSocket: req.reusedSocket && err.code === 'ECONNRESET',
        }),
      );
      req.end(payload);
    });
  }

  close() {
    this.agent.destroy();
  }
}
