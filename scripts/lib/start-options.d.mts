export interface StartOptions {
  replicas: number;
  threads: boolean;
  inProcess: boolean;
}

export function startOptions(argv: string[], env: Record<string, string | undefined>): StartOptions;
