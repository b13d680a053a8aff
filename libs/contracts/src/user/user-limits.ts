/** Documented limits of the user API; the user domain enforces the same numbers. */
export const USER_NAME_MAX = 200;
/** RFC 5321 path limit: no deliverable address is longer. */
export const USER_EMAIL_MAX = 254;
/** Password length in Unicode code points (NIST SP 800-63B counts characters, not bytes). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export const USER_ROLES = ['customer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
