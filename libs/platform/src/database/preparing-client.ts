import { Client } from 'pg';
import {
  Prefix,
  QueuedWrite,
  localResult,
  namedQuery,
  parsedOn,
  pipelined,
  toWireValue,
} from './pipelined-statements';

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
 * It also holds TypeORM's START TRANSACTION back until the transaction's first statement, and
 * a transaction's queued writes (`queueWrite`) until its next statement, and sends them with it
 * in one round trip (pipelined-statements.ts).
 */
export class PreparingClient extends Client {
  static statementNames = processNames;

  /** BEGIN asked for and not sent yet */
  beginPending = false;
  /** writes of the open transaction not sent yet, in order */
  queued: QueuedWrite[] = [];

  /**
   * Holds a write back until the transaction's next statement (its COMMIT at the latest), to
   * travel in the same round trip: for writes whose answer nobody reads and whose failure is
   * no business outcome (it surfaces from that next statement, and the transaction rolls
   * back). Only inside a transaction and for a statement already parsed on this connection;
   * false: run it now.
   */
  queueWrite(text: string, values: unknown[]): boolean {
    const name = PreparingClient.statementNames.nameOf(text);
    if (name === undefined || !parsedOn(this, name)) return false;
    this.queued.push({ name, text, values: values.map(toWireValue) });
    return true;
  }
}

/** TypeORM's text for opening a transaction (PostgresQueryRunner.startTransaction). */
const START_TRANSACTION = 'START TRANSACTION';

// assigned rather than declared: one signature for what pg's typings list as overloads
(PreparingClient.prototype as unknown as { query: unknown }).query = function query(
  this: PreparingClient,
  text: unknown,
  values?: unknown,
  callback?: unknown,
) {
  const plain = values === undefined && callback === undefined;
  if (text === START_TRANSACTION && plain) {
    // sent with the transaction's first statement: one round trip less per transaction
    this.beginPending = true;
    this.queued = [];
    return Promise.resolve(localResult('BEGIN'));
  }
  const named = typeof text === 'string' && Array.isArray(values) && values.length > 0;
  const name = named ? PreparingClient.statementNames.nameOf(text) : undefined;
  if (!this.beginPending && this.queued.length === 0) {
    return send(this, text, values, name, callback);
  }
  const prefix = takePrefix(this);
  const unsent = prefix[0]?.kind === 'begin';
  if (text === 'ROLLBACK' && plain) {
    // the queued writes never ran; where BEGIN was not sent either, there is nothing to undo
    return unsent ? Promise.resolve(localResult(text)) : send(this, text);
  }
  if (text === 'COMMIT' && plain) {
    // a transaction that ran nothing has nothing to end
    if (unsent && prefix.length === 1) return Promise.resolve(localResult(text));
    return pipelined(this, prefix, { text });
  }
  if (name !== undefined && callback === undefined && parsedOn(this, name)) {
    return pipelined(this, prefix, { name, text: text as string, values: values as unknown[] });
  }
  // anything else: the prefix in a round trip of its own first
  const sent = sendPrefix(this, prefix);
  if (typeof text === 'string' && callback === undefined) {
    return sent.then(() => send(this, text, values, name));
  }
  void sent.catch(() => undefined); // a submittable or a callback: queued behind it
  return send(this, text, values, name, callback);
};

function takePrefix(client: PreparingClient): Prefix[] {
  const prefix: Prefix[] = client.beginPending ? [{ kind: 'begin' }] : [];
  for (const write of client.queued) prefix.push({ kind: 'write', ...write });
  client.beginPending = false;
  client.queued = [];
  return prefix;
}

/** BEGIN alone as TypeORM would have sent it, or the last queued write carries the rest. */
function sendPrefix(client: PreparingClient, prefix: Prefix[]): Promise<unknown> {
  const last = prefix[prefix.length - 1];
  if (last.kind === 'begin') return baseQuery.call(client, START_TRANSACTION) as Promise<unknown>;
  return pipelined(client, prefix.slice(0, -1), last);
}

function send(client: Client, text: unknown, values?: unknown, name?: string, callback?: unknown) {
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
