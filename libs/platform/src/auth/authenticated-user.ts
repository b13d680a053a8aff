export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthenticatedUser {
  id: string;
  role: Role;
  /** the bearer token, forwarded when a service calls another on this user's behalf */
  token: string;
}
