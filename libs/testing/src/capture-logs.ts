/**
 * Records what the services write to stdout (JSON log lines in NODE_ENV=test) while a test
 * runs, still passing nothing through, so a test can search the log lines.
 */
export function captureLogs(): { lines(): string[]; text(): string; restore(): void } {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  return {
    lines: () => chunks.join('').split('\n').filter(Boolean),
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = original;
    },
  };
}
