import * as pg from 'pg';
import { Query } from 'pg';

/** The wire messages pg's connection writes (not in its typings). */
interface WireConnection {
  parse(config: { text: string }): void;
  bind(config: { statement?: string; values?: unknown[] }): void;
  describe(config: { type: 'P'; name: string }): void;
  execute(config: object): void;
  parsedStatements: Record<string, string | undefined>;
}

/** A named, parsed statement held back to travel in front of a later one. */
export interface QueuedWrite {
  name: string;
  text: string;
  /** already in wire form (pg's prepareValue): a value that cannot be sent fails when queued */
  values: unknown[];
}

/** What goes in front of the statement that carries the Sync. */
export type Prefix = { kind: 'begin' } | ({ kind: 'write' } & QueuedWrite);

/** pg's conversion of a parameter to its wire text (Date, array, object as JSON, …). */
export const toWireValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } })
  .utils.prepareValue;

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
 * The prefix (BEGIN, queued writes), then the statement, in one write and under one Sync: one
 * round trip. PostgreSQL answers each in turn; pg collects them as one result each, and the
 * statement's, the last, is the answer. If one fails, PostgreSQL skips the rest up to the Sync
 * and the statement reports that error. Only for statements parsed on the connection (and for
 * COMMIT, parsed unnamed): a Parse of a named statement in the same batch would confuse pg's
 * bookkeeping of which names are parsed if the batch failed before it.
 */
export function pipelined(
  client: { query(query: unknown): unknown },
  prefix: readonly Prefix[],
  statement: { name?: string; text: string; values?: unknown[] },
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const query = new PipelineQuery(statement.text, statement.values, (error, result) => {
      if (error) reject(error);
      else resolve(Array.isArray(result) ? result[result.length - 1] : result);
    });
    query.prefix = prefix;
    if (statement.name === undefined) query.queryMode = 'extended';
    else query.name = statement.name;
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
): object {
  const query = new Query(statement.text, statement.values, callback as never);
  (query as { name?: string }).name = statement.name;
  return query;
}

class PipelineQuery extends (Query as unknown as new (
  text: string,
  values: unknown[] | undefined,
  callback: Callback,
) => { name?: string; queryMode?: string; prepare(connection: WireConnection): void }) {
  prefix: readonly Prefix[] = [];

  override prepare(connection: WireConnection): void {
    for (const part of this.prefix) {
      if (part.kind === 'begin') {
        connection.parse({ text: 'BEGIN' });
        connection.bind({});
      } else {
        connection.bind({ statement: part.name, values: part.values });
        // NoData for a plain write; a RETURNING's rows get their description, so pg can read them
        connection.describe({ type: 'P', name: '' });
      }
      connection.execute({});
    }
    super.prepare(connection);
  }
}
