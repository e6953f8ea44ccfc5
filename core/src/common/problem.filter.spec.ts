import type { ArgumentsHost } from '@nestjs/common';
import { HttpException } from '@nestjs/common';
import pino from 'pino';
import { ProblemFilter } from './problem.filter';

/** What the filter answered: status and body, as the client sees them. */
function answer(exception: unknown): { status: number; body: Record<string, unknown> } {
  const sent: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
  const reply = {
    status: (status: number) => ((sent.status = status), reply),
    headers: () => reply,
    type: () => reply,
    send: (body: Record<string, unknown>) => ((sent.body = body), reply),
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  new ProblemFilter(pino({ level: 'silent' })).catch(exception, host);
  return sent;
}

/** An error as the pg driver raises it: PostgreSQL's message quotes the statement and the value. */
const pgError = (code: string) =>
  Object.assign(
    new Error('insert into "plugin_kv" ("value") values ($1) - invalid byte sequence for encoding'),
    {
      code,
    },
  );

describe('ProblemFilter', () => {
  it.each([
    ['22021', 400],
    ['22P02', 400],
    ['22003', 400],
    ['22001', 400],
    ['54000', 400],
    ['23505', 409],
    ['23503', 409],
    ['XX000', 500],
  ])('answers the database error %s with %i and none of its text', (code, status) => {
    const { status: answered, body } = answer(pgError(code));
    expect(answered).toBe(status);
    expect(JSON.stringify(body)).not.toMatch(/insert|plugin_kv|byte sequence/i);
  });

  it('never shows the message of an unexpected error or of a 5xx HttpException', () => {
    for (const error of [new Error('select secret from users'), new HttpException('select secret', 502)]) {
      const { status, body } = answer(error);
      expect(status).toBe(500);
      expect(body.detail).toBe('An unexpected error occurred');
      expect(JSON.stringify(body)).not.toContain('secret');
    }
  });

  it('answers 503 to a database out of reach, and 500 to other system errors that carry a code', () => {
    expect(answer(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).status).toBe(
      503,
    );
    expect(answer(Object.assign(new Error('open /x'), { code: 'EACCES' })).status).toBe(500);
  });
});
