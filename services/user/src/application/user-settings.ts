import { LoginThrottlePolicy } from './ports/login-attempts.port';

export interface InitialAdmin {
  email: string;
  password: string;
  name: string;
}

/** What the use cases read from configuration; the module binds it to the validated UserConfig. */
export abstract class UserSettings {
  abstract readonly loginThrottle: LoginThrottlePolicy;
  /** ADMIN_EMAIL / ADMIN_PASSWORD, or null when not configured */
  abstract readonly initialAdmin: InitialAdmin | null;
}
