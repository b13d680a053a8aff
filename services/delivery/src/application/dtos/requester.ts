/** Who is asking, as the use cases need it: a user (customer or admin). */
export interface Requester {
  id: string;
  isAdmin: boolean;
}

/** Customers see their own deliveries only; admin sees all. */
export function canSeeDeliveriesOf(requester: Requester, userId: string): boolean {
  return requester.isAdmin || requester.id.toLowerCase() === userId.toLowerCase();
}
