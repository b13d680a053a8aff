/** Who is asking: the authenticated user, and their token for calls made on their behalf. */
export interface Actor {
  userId: string;
  isAdmin: boolean;
  token: string;
}
