/** Who is asking, as the use cases need it: a user (customer or admin). */
export interface Requester {
  id: string;
  isAdmin: boolean;
}
