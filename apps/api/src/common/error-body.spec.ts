import { describe, expect, it } from '@jest/globals';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { mapError } from './error-body.js';
import { safeError } from './safe-error.js';

/** A pg driver error as node-postgres builds it: a message, a SQLSTATE, a severity, and what PostgreSQL said about the values. */
function pgError(code: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { code, severity: 'ERROR', ...extra });
}
const failed = (driverError: Error, parameters: unknown[] = []) => new QueryFailedError('SELECT 1 WHERE x = $1', parameters, driverError);

describe('mapError', () => {
  it('answers every way of losing the database with 503 and Retry-After', () => {
    const lost = [
      new QueryRunnerProviderAlreadyReleasedError(),
      new QueryRunnerAlreadyReleasedError(),
      failed(new Error('Connection terminated unexpectedly')),
      failed(pgError('57P01', 'terminating connection due to administrator command')),
      failed(pgError('57P03', 'the database system is starting up')),
      failed(pgError('08006', 'connection failure')),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated due to connection timeout'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], ''), {}),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('Cannot use a pool after calling end on the pool'),
      failed(pgError('40P01', 'deadlock detected')),
      failed(pgError('57014', 'canceling statement due to statement timeout')),
    ];
    for (const error of lost) {
      const mapped = mapError(error, 'req-1');
      expect({ error: String(error), status: mapped.body.statusCode, retry: mapped.headers['retry-after'] }).toEqual({ error: String(error), status: 503, retry: '5' });
      expect(mapped.unexpected).toBe(false);
    }
  });

  it('answers what valid input can meet in the database with a 4xx, never a 500', () => {
    const cases: Array<[Error, number]> = [
      [failed(pgError('23505', 'duplicate key value violates unique constraint "x"', { detail: 'Key (email)=(a@b.example) already exists.' })), 409],
      [failed(pgError('23503', 'insert or update on table "note" violates foreign key constraint "y"')), 404],
      [failed(pgError('23503', 'update or delete on table "client" violates foreign key constraint "y" on table "note"')), 409],
      [failed(pgError('23001', 'a signed note cannot be changed; add an addendum instead')), 409],
      [failed(pgError('23502', 'null value in column "name" violates not-null constraint', { column: 'name' })), 400],
      [failed(pgError('22P02', 'invalid input syntax for type uuid: "x"')), 400],
      [failed(pgError('22003', 'value "2147483648" is out of range for type integer')), 400],
      [failed(pgError('22008', 'date/time field value out of range: "2026-02-30"')), 400],
    ];
    for (const [error, status] of cases) {
      const mapped = mapError(error, 'req-1');
      expect({ error: error.message, status: mapped.body.statusCode }).toEqual({ error: error.message, status });
      expect(mapped.refusedByDatabase).toEqual(expect.any(String));
    }
    expect(mapError(failed(pgError('XX000', 'something else')), 'req-1').body.statusCode).toBe(500);
    expect(mapError(new TypeError('x is undefined'), 'req-1').unexpected).toBe(true);
  });
});

describe('safeError', () => {
  it('keeps the kind, code, constraint and stack frames of a database error, and none of its values', () => {
    const error = failed(
      pgError('23505', 'duplicate key value violates unique constraint "client_email" for "marker@client.example"', {
        detail: 'Key (email)=(marker@client.example) already exists.',
        hint: '+44 7700 900731',
        where: 'born 1987-03-14',
        constraint: 'client_email',
        table: 'client',
      }),
      ['marker@client.example', '+44 7700 900731', '1987-03-14'],
    );
    const safe = safeError(error);
    expect(safe).toMatchObject({ type: 'QueryFailedError', code: '23505', constraint: 'client_email', table: 'client' });
    expect(safe.stack).toMatch(/\n\s+at /);
    const text = JSON.stringify(safe);
    for (const value of ['marker@client.example', '7700 900731', '1987-03-14', 'SELECT 1', 'Key (email)']) expect(text).not.toContain(value);
  });
});
