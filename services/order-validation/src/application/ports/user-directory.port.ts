/** Outbound port: the user service, asked whether a user exists. */
export abstract class UserDirectory {
  /** false when the user does not exist; throws upstream-unavailable (503) when it cannot tell. */
  abstract exists(userId: string): Promise<boolean>;
}
