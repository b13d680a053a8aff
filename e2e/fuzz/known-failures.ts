// Failures the fuzz suite tolerates while their fix is under way on a branch: empty on main.
// Each entry names its cause and who fixes it. The suite fails when a failure matches no entry
// AND when an entry matches no failure (fixed: remove it). FUZZ_STRICT=1 ignores the list.
import type { Check } from './response-checks';
import type { Trait } from './runner';

export interface KnownFailure {
  id: string;
  /** what is wrong, precisely enough to check the fix */
  cause: string;
  /** the part of issue 9 (helper branch) that fixes it */
  owner: string;
  match: {
    /** operation key, e.g. /^product GET \/api\/v1\/products$/ */
    op?: RegExp;
    /** `location:kind` of one of the request's mutations, e.g. /^body:nul$/ */
    input?: RegExp;
    target?: RegExp;
    /** something the request carried, whichever mutation put it there */
    trait?: Trait;
    check?: Check | Check[];
    status?: number | number[];
    /** the short body (problem type and detail) */
    body?: RegExp;
  };
}

export const KNOWN_FAILURES: KnownFailure[] = [];
