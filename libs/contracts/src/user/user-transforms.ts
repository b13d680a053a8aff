// class-transformer helpers of the user DTOs (not exported from the package).
export const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

/** Emails are compared case-insensitively: stored trimmed and lower-cased. */
export const normalisedEmail = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
