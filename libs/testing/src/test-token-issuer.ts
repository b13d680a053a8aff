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
  extraClaims?: Record<string, unknown>;
}

export const TEST_ISSUER = 'http://test-issuer.local';
export const TEST_AUDIENCE = 'nest-commerce';

/**
 * A local stand-in for the user service's token issuing: an RS256 key, its JWKS served over
 * real HTTP on a free port, and tokens minted for any subject and role.
 */
export class TestTokenIssuer {
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
    const server = createServer((req, res) => {
      if (req.url === '/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new TestTokenIssuer(
      server,
      privateKey,
      foreign.privateKey,
      kid,
      `http://127.0.0.1:${port}/jwks.json`,
    );
  }

  mint(options: MintOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: options.role ?? 'customer', ...options.extraClaims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? this.kid, typ: 'JWT' })
      .setSubject(options.sub ?? randomUUID())
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
