import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsJsonArrayOfStrings, IsJsonObjectOfStrings } from './json-validators';
import { IsAtMost } from './is-at-most';

const URL_OPTS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * The environment every service reads. Names are the variables themselves so that a
 * validation message names exactly what to fix; defaults are safe for a laptop.
 */
export class PlatformEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV = 'development';

  @IsString()
  HOST = '0.0.0.0';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT!: number;

  @ValidateIf((env: PlatformEnv) => env.DATABASE_URL !== undefined)
  @IsUrl({ require_tld: false, protocols: ['postgres', 'postgresql'], require_protocol: true })
  @IsOptional()
  DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_MAX = 10;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  DB_STATEMENT_TIMEOUT_MS = 5000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  DB_CONNECTION_TIMEOUT_MS = 3000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsJsonArrayOfStrings()
  BACKEND_CORS_ORIGINS = '[]';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 1200;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1_048_576;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** a client must have sent all its request headers within this time (slowloris) */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  @IsAtMost('HTTP_REQUEST_TIMEOUT_MS')
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /** ... and its whole request, body included, within this time */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** an idle keep-alive connection is closed after this time */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;

  /** a connection without any traffic either way is closed after this time */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  HTTP_CONNECTION_TIMEOUT_MS = 60_000;

  /** JSON bodies nested deeper than this (objects and arrays) are refused with 400 */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  BODY_MAX_DEPTH = 32;

  @IsUrl(URL_OPTS)
  JWT_JWKS_URL = 'http://localhost:8001/api/v1/auth/jwks.json';

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'http://localhost:8001';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'nest-commerce';

  /**
   * How long a service trusts the user service's answer about a user's token version: the
   * longest an old token still works elsewhere after a password, email or role change or a
   * deletion. 0: ask on every request (concurrent requests of a user still share one call).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  AUTH_TOKEN_STATE_TTL_MS = 2000;

  @IsJsonObjectOfStrings({ minValueLength: 16 })
  @Transform(({ value }) => value ?? '{}')
  SERVICE_API_KEYS = '{}';

  @IsOptional()
  @IsString()
  @MinLength(16)
  SERVICE_API_KEY?: string;
}

/** The validated, typed view services and the platform inject. */
export class PlatformConfig {
  constructor(
    readonly service: string,
    readonly nodeEnv: string,
    readonly host: string,
    readonly port: number,
    readonly database: {
      url: string;
      poolMax: number;
      statementTimeoutMs: number;
      connectionTimeoutMs: number;
    } | null,
    readonly logLevel: string,
    readonly corsOrigins: string[],
    readonly rateLimitPerMinute: number,
    readonly bodyLimitBytes: number,
    readonly shutdownTimeoutMs: number,
    /** slow-client timeouts and the JSON depth limit of the HTTP server */
    readonly http: {
      headersTimeoutMs: number;
      requestTimeoutMs: number;
      keepAliveTimeoutMs: number;
      connectionTimeoutMs: number;
      bodyMaxDepth: number;
    },
    readonly jwt: { jwksUrl: string; issuer: string; audience: string; tokenStateTtlMs: number },
    /** caller name -> key this service accepts on its service-to-service endpoints */
    readonly serviceApiKeys: Record<string, string>,
    /** this service's own key for calling others */
    readonly serviceApiKey: string | undefined,
  ) {}
}
