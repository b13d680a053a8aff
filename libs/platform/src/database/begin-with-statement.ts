import { Query } from 'pg';

/** The wire messages pg's connection writes (not in its typings). */
interface WireConnection {
  parse(config: { text: string }): void;
  bind(config: object): void;
  execute(config: object): void;
  parsedStatements: Record<string, string | undefined>;
}

/** A pg result for a statement answered without the server (a BEGIN not sent yet). */
export function localResult(command: string) {
  return { command, rowCount: null, oid: null, rows: [], fields: [] };
}

/** Whether the connection of `client` has parsed the named statement already. */
export function parsedOn(client: unknown, name: string): boolean {
  const connection = (client as { connection?: WireConnection }).connection;
  return connection?.parsedStatements[name] !== undefined;
}

/**
 * A named, already parsed statement preceded by BEGIN in the same write and the same Sync:
 * one round trip opens the transaction and runs its first statement. PostgreSQL answers both
 * (BEGIN's completion, then the statement's); pg collects them as two results, and the
 * statement's is the answer. Only for statements parsed on the connection: a Parse of its own
 * in the same batch would confuse pg's bookkeeping of which names are parsed if it failed.
 */
export function beginWith(
  client: { query(query: unknown): unknown },
  statement: { name: string; text: string; values: unknown[] },
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const query = namedQuery(
      statement,
      (error, result) => {
        if (error) reject(error);
        else resolve(Array.isArray(result) ? result[result.length - 1] : result);
      },
      BeginThenQuery,
    );
    client.query(query);
  });
}

type Callback = (error: Error | null, result: unknown) => void;

/**
 * A pg Query for a named statement, built from its text: given a config object, pg copies it
 * property by property through their descriptors (`cloneQueryConfig`), 1.4 % of the
 * in-process platform's CPU in the checkout bench; from a text it does not.
 */
export function namedQuery(
  statement: { name: string; text: string; values: unknown[] },
  callback: Callback,
  QueryClass: new (text: string, values: unknown[], callback: Callback) => object = Query as never,
): object {
  const query = new QueryClass(statement.text, statement.values, callback);
  (query as { name?: string }).name = statement.name;
  return query;
}

class BeginThenQuery extends (Query as unknown as new (...args: unknown[]) => {
  prepare(connection: WireConnection): void;
}) {
  override prepare(connection: WireConnection): void {
    connection.parse({ text: 'BEGIN' });
    connection.bind({});
    connection.execute({});
    super.prepare(connection);
  }
}
