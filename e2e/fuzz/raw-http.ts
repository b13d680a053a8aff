import { Agent, request } from 'node:http';

export interface RawRequest {
  method: string;
  /** path and query, already percent-encoded exactly as they go on the wire */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** set when no complete response came back (reset, timeout) */
  error?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });
/** A response body is read up to this size; the fuzzer only looks for leaks in it. */
const MAX_READ = 2 * 1024 * 1024;

/**
 * One request over node:http, bytes as given: no client-side encoding or validation of the path
 * beyond Node's own, any method, any body and content type (fetch would normalise or refuse
 * some of them). Never throws: a connection error is a response with status 0.
 *
 * A connection reset before any response is retried once on a new connection:
 * a kept-alive socket the server has just closed (after a 400 to a malformed request) is the
 * client's race, not the server's answer. A second reset is reported.
 */
export async function send(
  baseUrl: string,
  req: RawRequest,
  timeoutMs = 30_000,
): Promise<RawResponse> {
  const first = await attempt(baseUrl, req, timeoutMs, agent);
  if (first.status !== 0 || !/ECONNRESET|EPIPE|socket hang up/.test(first.error ?? ''))
    return first;
  return attempt(baseUrl, req, timeoutMs, false);
}

function attempt(
  baseUrl: string,
  req: RawRequest,
  timeoutMs: number,
  via: Agent | false,
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (response: RawResponse) => {
      if (settled) return;
      settled = true;
      resolve(response);
    };
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body) headers['content-length'] = req.body.length;
    let outgoing: ReturnType<typeof request>;
    try {
      outgoing = request({
        agent: via,
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers,
        timeout: timeoutMs,
      });
    } catch (error) {
      // Node refused to build the request (e.g. a character it will not put in a header)
      finish({ status: -1, headers: {}, text: '', error: `client: ${(error as Error).message}` });
      return;
    }
    outgoing.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_READ) chunks.push(chunk);
      });
      res.on('end', () =>
        finish({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', (error) =>
        finish({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: '',
          error: error.message,
        }),
      );
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no response in ${timeoutMs} ms`)));
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      // A server may answer (413) and close before it has read the whole body: the response,
      // if one came, wins over the write error that follows (finish ignores a second call).
      setTimeout(
        () => finish({ status: 0, headers: {}, text: '', error: error.code ?? error.message }),
        50,
      ),
    );
    outgoing.end(req.body);
  });
}

export function closeClient(): void {
  agent.destroy();
}
