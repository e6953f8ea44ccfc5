import { KnexTimeoutError } from 'knex';
import { notFound } from '../common/problem';
import { isDatabaseUnavailable } from './errors';

const pgError = (code: string, message = 'error') => Object.assign(new Error(message), { code });

describe('database availability errors', () => {
  it('recognises a database that is unreachable, silent, going away or overloaded', () => {
    const unavailable = [
      new KnexTimeoutError('Knex: Timeout acquiring a connection. The pool is probably full.'),
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      pgError('ECONNRESET', 'select 1 - read ECONNRESET'),
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('57014', 'canceling statement due to statement timeout'),
      pgError('08006', 'connection failure'),
      new Error('select * from "users" - Connection terminated unexpectedly'),
      new Error('select * from "users" - Query read timeout'),
      new Error('timeout expired'),
    ];
    for (const error of unavailable)
      expect({ error, unavailable: isDatabaseUnavailable(error) }).toEqual({ error, unavailable: true });
  });

  it('leaves data errors and the application’s own errors alone', () => {
    for (const error of [
      pgError('23505'),
      pgError('22P02'),
      pgError('22021'),
      notFound('Channel'),
      new Error('boom'),
      undefined,
      null,
    ]) {
      expect({ error, unavailable: isDatabaseUnavailable(error) }).toEqual({ error, unavailable: false });
    }
  });
});
