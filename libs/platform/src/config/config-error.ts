/** Thrown when the environment is missing or malformed; the message names each variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Loaders<T extends unknown[]> = { [K in keyof T]: () => T[K] };

/**
 * Runs every loader even when an earlier one finds a problem, so that one start names every
 * bad variable (the platform's first); throws one ConfigError with all of their problems.
 */
export function loadConfigs<T extends unknown[]>(...loaders: Loaders<T>): T {
  const problems: string[] = [];
  const results = loaders.map((load) => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return results as T;
}
