import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash } from 'node:crypto';
import {
  AttemptDecision,
  LoginAttempts,
  LoginThrottlePolicy,
} from '../../application/ports/login-attempts.port';

const PRUNE_EVERY_MS = 5 * 60_000;
/** Rows whose window ended more than this long ago are deleted by the periodic prune. */
const KEEP_EXPIRED_SECONDS = 86_400;

const digest = (email: string): Buffer => createHash('sha256').update(email).digest();

/**
 * Fixed-window attempt counter in `login_attempts`. One statement counts the attempt and reads
 * the verdict, so concurrent attempts (on any instance) are counted one by one: at most
 * `maxFailures` of them get to check a password in a window.
 */
@Injectable()
export class TypeormLoginAttempts extends LoginAttempts implements OnModuleInit, OnModuleDestroy {
  private pruneTimer?: NodeJS.Timeout;

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async begin(email: string, policy: LoginThrottlePolicy): Promise<AttemptDecision> {
    const rows = (await this.txHost.tx.query(
      `INSERT INTO login_attempts AS a (email_digest, attempts, window_started_at)
       VALUES ($1, 1, now())
       ON CONFLICT (email_digest) DO UPDATE SET
         attempts = CASE WHEN a.window_started_at <= now() - make_interval(secs => $2)
                         THEN 1 ELSE a.attempts + 1 END,
         window_started_at = CASE WHEN a.window_started_at <= now() - make_interval(secs => $2)
                                  THEN now() ELSE a.window_started_at END
       RETURNING attempts,
         ceil(extract(epoch FROM a.window_started_at + make_interval(secs => $2) - now()))::int
           AS retry_after`,
      [digest(email), policy.windowSeconds],
    )) as Array<{ attempts: number; retry_after: number }>;
    const { attempts, retry_after } = rows[0];
    if (attempts <= policy.maxFailures) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, retry_after) };
  }

  async clear(email: string): Promise<void> {
    await this.txHost.tx.query(`DELETE FROM login_attempts WHERE email_digest = $1`, [
      digest(email),
    ]);
  }

  async forgive(email: string): Promise<void> {
    // attempts > 0 is a table constraint: the last attempt goes with its row.
    await this.txHost.tx.query(
      `WITH last AS (DELETE FROM login_attempts WHERE email_digest = $1 AND attempts <= 1)
       UPDATE login_attempts SET attempts = attempts - 1
        WHERE email_digest = $1 AND attempts > 1`,
      [digest(email)],
    );
  }

  onModuleInit(): void {
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  /** Expired windows of emails nobody retried: the table would otherwise only grow. */
  private async prune(): Promise<void> {
    try {
      await this.txHost.tx.query(
        `DELETE FROM login_attempts WHERE window_started_at < now() - make_interval(secs => $1)`,
        [KEEP_EXPIRED_SECONDS],
      );
    } catch {
      // The database may be briefly unavailable; the next run catches up.
    }
  }
}
