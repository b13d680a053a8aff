import axios, { AxiosInstance, Method } from 'axios';

export interface GatewayRequest {
  method: Method;
  path: string;
  headers?: Record<string, string>;
  /** a string is sent as is (form bodies); anything else as JSON */
  body?: unknown;
  query?: Record<string, string>;
}

/**
 * What came back from a provider. `refused`: the connection was never made, so the provider
 * saw nothing; `lost`: a timeout or a broken connection, so the provider may have acted.
 */
export type GatewayAnswer<T> =
  { kind: 'answered'; status: number; data: T } | { kind: 'no_answer'; reason: 'refused' | 'lost' };

const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * HTTP to an external payment provider (not one of our services: UpstreamClients is for
 * those). axios with a timeout on every call and no retries: a charge's answer that does not
 * come is reconciled later under the same idempotency key rather than repeated blindly.
 * Errors are reduced to their class here and never logged whole: an axios error carries the
 * request body, which for a charge holds the card.
 */
export class GatewayHttp {
  private readonly client: AxiosInstance;

  constructor(baseURL: string, timeoutMs: number) {
    this.client = axios.create({
      baseURL,
      timeout: timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
      // the body of an error answer is wanted as JSON too
      responseType: 'json',
    });
  }

  async send<T>(request: GatewayRequest): Promise<GatewayAnswer<T>> {
    try {
      const response = await this.client.request<T>({
        method: request.method,
        url: request.path,
        headers: { accept: 'application/json', ...request.headers },
        data: request.body,
        params: request.query,
      });
      return { kind: 'answered', status: response.status, data: response.data };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        kind: 'no_answer',
        reason: typeof code === 'string' && NEVER_CONNECTED.has(code) ? 'refused' : 'lost',
      };
    }
  }
}

export const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    if (ms <= 0) resolve();
    else setTimeout(resolve, ms).unref();
  });
