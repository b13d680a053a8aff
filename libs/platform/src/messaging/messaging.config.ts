import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { validateEnv } from '../config/validate-env';

export class MessagingEnv {
  @Transform(({ value }) => value === true || value === 'true')
  @IsBoolean()
  OUTBOX_RELAY_ENABLED = true;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  OUTBOX_POLL_INTERVAL_MS = 500;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  OUTBOX_BATCH_SIZE = 20;

  /** deliveries tried before a message is dead-lettered */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  OUTBOX_MAX_ATTEMPTS = 60;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  OUTBOX_BACKOFF_BASE_MS = 500;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  OUTBOX_BACKOFF_MAX_MS = 60_000;
}

export class MessagingSettings {
  constructor(
    readonly relayEnabled: boolean,
    readonly pollIntervalMs: number,
    readonly batchSize: number,
    readonly maxAttempts: number,
    readonly backoffBaseMs: number,
    readonly backoffMaxMs: number,
  ) {}

  static from(env: Record<string, string | undefined>): MessagingSettings {
    const e = validateEnv(MessagingEnv, env);
    return new MessagingSettings(
      e.OUTBOX_RELAY_ENABLED,
      e.OUTBOX_POLL_INTERVAL_MS,
      e.OUTBOX_BATCH_SIZE,
      e.OUTBOX_MAX_ATTEMPTS,
      e.OUTBOX_BACKOFF_BASE_MS,
      e.OUTBOX_BACKOFF_MAX_MS,
    );
  }

  /** capped exponential backoff with full jitter */
  backoffMs(attempts: number): number {
    const ceiling = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** Math.min(attempts, 20));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}
