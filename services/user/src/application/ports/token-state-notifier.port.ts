/** A user's token state after a change, as the other services' token checks need it. */
export interface ChangedTokenState {
  tokenVersion: number;
  deleted: boolean;
}

/**
 * Tells the services that cache token states that a user's older tokens are void, right after
 * the change commits. Best effort: it never fails the change (the caches' TTL is the fallback).
 */
export abstract class TokenStateNotifier {
  abstract changed(userId: string, state: ChangedTokenState): Promise<void>;
}
