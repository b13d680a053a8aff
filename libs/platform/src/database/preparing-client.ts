import { Client } from 'pg';
import { beginWith, localResult, namedQuery, parsedOn } from './begin-with-statement';

/** A statement text becomes a named prepared statement from its second use. */
const PREPARE_FROM_USE = 2;
/** Distinct texts counted per process; past this, new texts run unnamed (bounded memory). */
const MAX_TEXTS = 2000;
/** Longer texts run unnamed: generated SQL (long IN lists) that would rarely be seen again. */
const MAX_TEXT_LENGTH = 8192;

/**
 * Names for the statement texts this process runs again and again. One name per text for the
 * whole process, so every connection of the pool agrees; pg remembers per connection which
 * names it has parsed there.
 */
export class StatementNames {
  private readonly uses = new Map<string, number>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly prepareFromUse = PREPARE_FROM_USE,
    private readonly maxTexts = MAX_TEXTS,
  ) {}

  /** The text's name once it has been seen often enough; undefined: run it unnamed. */
  nameOf(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined) return name;
    if (text.length > MAX_TEXT_LENGTH) return undefined;
    const seen = this.uses.get(text);
    if (seen === undefined && this.uses.size + this.names.size >= this.maxTexts) return undefined;
    const uses = (seen ?? 0) + 1;
    if (uses < this.prepareFromUse) {
      this.uses.set(text, uses);
      return undefined;
    }
    this.uses.delete(text);
    const named = `app_${this.names.size + 1}`;
    this.names.set(text, named);
    return named;
  }

  /** How many texts have a name (for tests and metrics). */
  get prepared(): number {
    return this.names.size;
  }
}

const processNames = new StatementNames();

/** pg's own query(), called with the arguments it accepts (its typings list overloads). */
const baseQuery = Client.prototype.query as (this: Client, ...args: unknown[]) => unknown;

/**
 * pg's Client, but a parameterised statement the process runs again is sent as a named
 * prepared statement: PostgreSQL parses and plans it once per connection instead of on every
 * call. Planning was most of the backend's time for the platform's short statements
 * (docs/performance.md: the order read, 3× the statements per second prepared). Statements
 * without parameters keep the simple protocol, which also runs several statements in one text
 * (migrations). The pool uses it through TypeORM's `extra.Client`; DB_PREPARED_STATEMENTS=false
 * turns it off where named statements cannot live (a PgBouncer in transaction mode before 1.21).
 * It also holds TypeORM's START TRANSACTION back until the transaction's first statement and
 * sends both in one round trip (begin-with-statement.ts).
 */
export class PreparingClient extends Client {
  static statementNames = processNames;
}

/** TypeORM's text for opening a transaction (PostgresQueryRunner.startTransaction). */
const START_TRANSACTION = 'START TRANSACTION';

type Deferring = Client & { beginPending?: boolean };

// assigned rather than declared: one signature for what pg's typings list as overloads
(PreparingClient.prototype as unknown as { query: typeof baseQuery }).query = function query(
  this: Deferring,
  text: unknown,
  values?: unknown,
  callback?: unknown,
) {
  const plain = values === undefined && callback === undefined;
  if (text === START_TRANSACTION && plain) {
    // sent with the transaction's first statement: one round trip less per transaction
    this.beginPending = true;
    return Promise.resolve(localResult('BEGIN'));
  }
  const named = typeof text === 'string' && Array.isArray(values) && values.length > 0;
  const name = named ? PreparingClient.statementNames.nameOf(text) : undefined;
  if (this.beginPending) {
    this.beginPending = false;
    // a transaction that ran nothing has nothing to end
    if ((text === 'COMMIT' || text === 'ROLLBACK') && plain) {
      return Promise.resolve(localResult(text));
    }
    if (name !== undefined && callback === undefined && parsedOn(this, name)) {
      return beginWith(this, { name, text: text as string, values: values as unknown[] });
    }
    // anything else: BEGIN on its own first, as TypeORM would have sent it
    const begun = baseQuery.call(this, START_TRANSACTION) as Promise<unknown>;
    if (typeof text === 'string' && callback === undefined) {
      return begun.then(() => send(this, text, values, name));
    }
    void begun.catch(() => undefined); // a submittable or a callback: queued behind BEGIN
  }
  return send(this, text, values, name, callback);
};

function send(client: Client, text: unknown, values: unknown, name?: string, callback?: unknown) {
  if (name === undefined) return baseQuery.call(client, text, values, callback);
  const statement = { name, text: text as string, values: values as unknown[] };
  if (callback !== undefined) {
    return baseQuery.call(client, namedQuery(statement, callback as never));
  }
  // the promise pg's query() makes for a config object, around a query built from the text
  return new Promise((resolve, reject) => {
    baseQuery.call(
      client,
      namedQuery(statement, (error, result) => (error ? reject(error) : resolve(result))),
    );
  });
}
