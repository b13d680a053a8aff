/**
 * Who is asking: a user (by bearer token) or another service (by X-Service-Key). Admins and
 * services may validate and read any order; a customer only their own.
 */
export type Requester =
  { kind: 'user'; userId: string; isAdmin: boolean } | { kind: 'service'; caller: string };

export function seesEveryOrder(requester: Requester): boolean {
  return requester.kind === 'service' || requester.isAdmin;
}
