// Port for "run this use case atomically". Use cases own their transactions through it;
// the platform's TypeORM adapter makes every repository call inside `run` join the transaction.
export abstract class UnitOfWork {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
}
