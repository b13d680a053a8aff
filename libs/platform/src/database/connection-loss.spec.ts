import { QueryFailedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { QueryRunnerAlreadyReleasedError } from 'typeorm/error/QueryRunnerAlreadyReleasedError';
import { connectionLossCode, isConnectionLoss } from './connection-loss';

/** An error as node-postgres raises it for a statement PostgreSQL refused. */
function pgError(code: string, message = 'refused'): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}

const failed = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe('isConnectionLoss', () => {
  it.each([
    ['57P01 admin_shutdown (pg_terminate_backend)', failed(pgError('57P01'))],
    ['57P02 crash_shutdown', pgError('57P02')],
    ['57P03 cannot_connect_now (starting up)', pgError('57P03')],
    ['08006 connection_failure', failed(pgError('08006'))],
    ['53300 too_many_connections', pgError('53300')],
    ['a socket refused', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })],
    ['a socket reset', failed(Object.assign(new Error('read'), { code: 'ECONNRESET' }))],
    [
      'pg: Connection terminated unexpectedly',
      failed(new Error('Connection terminated unexpectedly')),
    ],
    [
      'pg: the pool could not connect in time',
      new Error('timeout exceeded when trying to connect'),
    ],
    [
      'pg: a client whose connection failed',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['TypeORM: the query runner released itself', new QueryRunnerAlreadyReleasedError()],
    ['TypeORM: the manager of a released runner', new QueryRunnerProviderAlreadyReleasedError()],
    ['wrapped as a cause', new Error('outer', { cause: pgError('57P01') })],
  ])('%s is a lost connection', (_label, error) => {
    expect(isConnectionLoss(error)).toBe(true);
  });

  it.each([
    ['a unique violation', failed(pgError('23505'))],
    ['a statement timeout', failed(pgError('57014'))],
    ['a syntax error', failed(pgError('42601'))],
    ['a bug', new TypeError('x is undefined')],
    ['a domain code', Object.assign(new Error('no'), { code: 'order_not_found' })],
    ['nothing', undefined],
    ['a string', 'Connection terminated'],
  ])('%s is not', (_label, error) => {
    expect(isConnectionLoss(error)).toBe(false);
  });

  it('names the SQLSTATE or socket code, never the message', () => {
    expect(connectionLossCode(failed(pgError('57P01', 'terminating connection')))).toBe('57P01');
    expect(connectionLossCode(new QueryRunnerAlreadyReleasedError())).toBeUndefined();
  });
});
