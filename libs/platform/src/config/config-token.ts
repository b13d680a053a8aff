/**
 * A Nest injection token for a configuration object whose type a schema infers: an abstract
 * class (so `constructor(config: PaymentConfig)` resolves without @Inject) that nothing extends.
 * Export it under the same name as the type: `export const X = configToken<T>('X'); export type X = T`.
 */
export function configToken<T>(name: string): abstract new () => T {
  const token = { [name]: class {} }[name];
  return token as unknown as abstract new () => T;
}
