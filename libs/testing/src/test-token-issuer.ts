import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';
import { CryptoKey, JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface MintOptions {
  sub?: string;
  role?: 'customer' | 'admin' | string;
  /** seconds from now; negative for an already expired token */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
  kid?: string;
  /** sign with a key the JWKS does not publish */
  foreignKey?: boolean;
  /** the `tv` claim (token version); default: the subject's current version here (0 at first) */
  tokenVersion?: number;
  extraClaims?: Record<string, unknown>;
}

const TOKEN_STATE_ROUTE = /^\/api\/v1\/internal\/users\/([^/?]+)\/token-state$/;

export const TEST_ISSUER = 'http://test-issuer.local';
export const TEST_AUDIENCE = 'nest-commerce';

/**
 * A local stand-in for the user service's token issuing: an RS256 key, its JWKS served over
 * real HTTP on a free port, and tokens minted for any subject and role. The same server answers
 * the user service's token-state route (every subject at version 0 and not deleted unless a
 * test says otherwise with revoke()/markDeleted()), which is where the platform's verifier asks
 * since it is found next to the JWKS.
 */
export class TestTokenIssuer {
  private readonly states = new Map<string, { tokenVersion: number; deleted: boolean }>();
  /** token-state lookups received, per subject */
  readonly tokenStateCalls = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    private readonly privateKey: CryptoKey,
    private readonly foreignPrivateKey: CryptoKey,
    readonly kid: string,
    readonly jwksUrl: string,
  ) {}

  readonly issuer = TEST_ISSUER;
  readonly audience = TEST_AUDIENCE;

  static async start(): Promise<TestTokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const foreign = await generateKeyPair('RS256');
    const kid = randomUUID();
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const body = JSON.stringify({ keys: [jwk] });
    let issuer: TestTokenIssuer | undefined;
    const server = createServer((req, res) => {
      const tokenState = TOKEN_STATE_ROUTE.exec(req.url ?? '');
      if (req.url === '/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      } else if (tokenState && issuer) {
        const state = issuer.answerTokenState(decodeURIComponent(tokenState[1]));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return (issuer = new TestTokenIssuer(
      server,
      privateKey,
      foreign.privateKey,
      kid,
      `http://127.0.0.1:${port}/jwks.json`,
    ));
  }

  /** The subject's tokens minted so far are void from now on (as after a password change). */
  revoke(sub: string): void {
    const state = this.stateOf(sub);
    this.states.set(sub, { ...state, tokenVersion: state.tokenVersion + 1 });
  }

  /** Every token of the subject is void (as after a deletion). */
  markDeleted(sub: string): void {
    this.states.set(sub, { ...this.stateOf(sub), deleted: true });
  }

  private stateOf(sub: string): { tokenVersion: number; deleted: boolean } {
    return this.states.get(sub) ?? { tokenVersion: 0, deleted: false };
  }

  private answerTokenState(sub: string): { token_version: number; deleted: boolean } {
    this.tokenStateCalls.set(sub, (this.tokenStateCalls.get(sub) ?? 0) + 1);
    const state = this.stateOf(sub);
    return { token_version: state.tokenVersion, deleted: state.deleted };
  }

  mint(options: MintOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const sub = options.sub ?? randomUUID();
    const tv = options.tokenVersion ?? this.stateOf(sub).tokenVersion;
    return new SignJWT({ role: options.role ?? 'customer', tv, ...options.extraClaims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? this.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 900))
      .sign(options.foreignKey ? this.foreignPrivateKey : this.privateKey);
  }

  customer(sub?: string): Promise<string> {
    return this.mint({ role: 'customer', sub });
  }

  admin(sub?: string): Promise<string> {
    return this.mint({ role: 'admin', sub });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
