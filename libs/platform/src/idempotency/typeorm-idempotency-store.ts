import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { IdempotencyClaim, IdempotencyScope, IdempotencyStore, StoredOutcome } from '@app/kernel';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { isConnectionLoss } from '../database/connection-loss';
import { LeaseRenewals } from '../database/lease-renewals';
import { IdempotencySettings } from './idempotency.config';

function rowsOf(result: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) {
    return result[0] as Array<Record<string, unknown>>; // UPDATE/DELETE: [rows, count]
  }
  return Array.isArray(result) ? (result as Array<Record<string, unknown>>) : [];
}

const PURGE_EVERY_MS = 60 * 60_000;
/** Pauses before repeating a statement whose connection dropped (see `repeatable`). */
const REPEAT_DELAYS_MS = [50, 250];

/**
 * Keys live in `idempotency_keys`, primary key (caller_id, key). A request claims a key with
 * one INSERT ... ON CONFLICT statement; the row lock PostgreSQL takes on conflict makes
 * concurrent claims of one key queue, so exactly one wins. The winner holds a short lease
 * (token + deadline, IDEMPOTENCY_LEASE_SECONDS) that this store renews every third of it while
 * the request runs (up to the service's maxHoldSeconds): if the process dies, the key can be
 * taken over seconds later, and never while its holder lives. Renewal stops when the request
 * completes or abandons the key. Completing checks the token, in the caller's unit of work
 * (the transaction of the change the answer describes). Expired keys are taken over on claim
 * and purged hourly.
 */
@Injectable()
export class TypeormIdempotencyStore
  extends IdempotencyStore
  implements OnModuleInit, OnModuleDestroy
{
  private readonly logger = new Logger(TypeormIdempotencyStore.name);
  private readonly leases = new LeaseRenewals(this.logger, 'idempotency key');
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly settings: IdempotencySettings,
  ) {
    super();
  }

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => void this.purgeExpired(), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
    this.leases.stopAll();
  }

  /** Keys whose lease this process is renewing (requests running under a key). */
  get heldKeys(): number {
    return this.leases.active;
  }

  async claim(scope: IdempotencyScope): Promise<IdempotencyClaim> {
    // Claims commit on their own: other requests must see the key at once. One token for every
    // statement of this claim: after a dropped connection, the row this claim may have
    // written before the drop is recognised as its own.
    const token = randomUUID();
    for (let attempt = 0; attempt < 3; attempt++) {
      const won = rowsOf(
        await this.repeatable(() =>
          this.txHost.tx.query(
            `INSERT INTO idempotency_keys AS k
             (caller_id, key, request_hash, state, lease_token, locked_until, outcome, created_at, expires_at)
           VALUES ($1, $2, $3, 'in_flight', $4, now() + make_interval(secs => $5), NULL, now(),
                   now() + make_interval(hours => $6))
           ON CONFLICT (caller_id, key) DO UPDATE
             SET request_hash = EXCLUDED.request_hash, state = 'in_flight',
                 lease_token = EXCLUDED.lease_token, locked_until = EXCLUDED.locked_until,
                 outcome = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
             WHERE k.expires_at <= now()
                OR (k.state = 'in_flight' AND k.locked_until <= now()
                    AND k.request_hash = EXCLUDED.request_hash)
           RETURNING lease_token`,
            [
              scope.callerId,
              scope.key,
              scope.requestHash,
              token,
              this.settings.leaseSeconds,
              this.settings.ttlHours,
            ],
          ),
        ),
      );
      if (won.length === 1 && won[0].lease_token === token) return this.acquired(scope, token);

      const existing = rowsOf(
        await this.repeatable(() =>
          this.txHost.tx.query(
            `SELECT request_hash, state, lease_token, outcome
               FROM idempotency_keys WHERE caller_id = $1 AND key = $2`,
            [scope.callerId, scope.key],
          ),
        ),
      );
      if (existing.length === 0) continue; // abandoned in between: claim again
      const row = existing[0];
      if (row.lease_token === token) return this.acquired(scope, token); // ours, before a drop
      if (row.request_hash !== scope.requestHash) return { kind: 'mismatch' };
      if (row.state === 'in_flight') return { kind: 'in_flight' };
      return { kind: 'completed', outcome: row.outcome as StoredOutcome };
    }
    return { kind: 'in_flight' };
  }

  async complete(scope: IdempotencyScope, token: string, outcome: StoredOutcome): Promise<boolean> {
    // The answer is being stored: no more renewals. Should its transaction fail, the request
    // abandons the key or runs the transaction again well within the lease it still has.
    this.leases.stop(token);
    const updated = rowsOf(
      await this.repeatable(() =>
        this.txHost.tx.query(
          `UPDATE idempotency_keys
            SET state = 'completed', outcome = $4::jsonb, lease_token = NULL, locked_until = NULL
          WHERE caller_id = $1 AND key = $2 AND lease_token = $3
          RETURNING key`,
          [scope.callerId, scope.key, token, JSON.stringify(outcome)],
        ),
      ),
    );
    return updated.length === 1;
  }

  async abandon(scope: IdempotencyScope, token: string): Promise<void> {
    this.leases.stop(token);
    await this.repeatable(() =>
      this.txHost.tx.query(
        `DELETE FROM idempotency_keys WHERE caller_id = $1 AND key = $2 AND lease_token = $3`,
        [scope.callerId, scope.key, token],
      ),
    );
  }

  private acquired(scope: IdempotencyScope, token: string): IdempotencyClaim {
    this.leases.start(
      token,
      (this.settings.leaseSeconds * 1000) / 3,
      () => this.renew(scope, token),
      this.settings.maxHoldSeconds * 1000,
    );
    return { kind: 'acquired', token };
  }

  /** Extends the lease if this token still holds the key in flight; false when it does not. */
  private async renew(scope: IdempotencyScope, token: string): Promise<boolean> {
    // on its own connection, whatever transaction the request is in at the moment
    const renewed = await this.txHost.withoutTransaction(async () =>
      rowsOf(
        await this.txHost.tx.query(
          `UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => $4)
            WHERE caller_id = $1 AND key = $2 AND lease_token = $3 AND state = 'in_flight'
            RETURNING key`,
          [scope.callerId, scope.key, token, this.settings.leaseSeconds],
        ),
      ),
    );
    return renewed.length === 1;
  }

  /**
   * Runs a statement of this store that is safe to repeat (its token makes a second run find
   * what the first did) again after a dropped connection, outside a transaction only: inside
   * one, the transaction is lost with its connection and its unit of work decides.
   */
  private async repeatable<T>(statement: () => Promise<T>): Promise<T> {
    if (this.txHost.isTransactionActive()) return statement();
    for (let repeat = 0; ; repeat += 1) {
      try {
        return await statement();
      } catch (error) {
        if (repeat >= REPEAT_DELAYS_MS.length || !isConnectionLoss(error)) throw error;
        await sleep(REPEAT_DELAYS_MS[repeat]);
      }
    }
  }

  /** Deletes the keys whose time is up; hourly, and callable (tests, an operator's job). */
  async purgeExpired(): Promise<void> {
    try {
      await this.txHost.tx.query(`DELETE FROM idempotency_keys WHERE expires_at <= now()`);
    } catch (error) {
      this.logger.warn(
        { err_class: error instanceof Error ? error.constructor.name : typeof error },
        'Purging expired idempotency keys failed; the next run retries',
      );
    }
  }
}
