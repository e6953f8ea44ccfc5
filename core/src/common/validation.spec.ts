import { pageQuerySchema } from './pagination';
import { ProblemException } from './problem';
import Ajv from 'ajv';
import { assertValid, compileAhead } from './validation';

const fieldsRefused = (schema: object, value: unknown, prefix = '') => {
  try {
    assertValid(schema, value, prefix);
  } catch (error) {
    if (error instanceof ProblemException) return error.errors?.map((field) => field.path);
    throw error;
  }
  return [];
};

describe('assertValid', () => {
  it('refuses a query number that coerces to Infinity, which would pass its bounds', () => {
    for (const limit of ['1e309', 'Infinity', '-1e309']) {
      expect(fieldsRefused(pageQuerySchema, { limit }, 'query')).toContain('query/limit');
    }
    const page = { limit: '25' };
    expect(fieldsRefused(pageQuerySchema, page, 'query')).toEqual([]);
    expect(page.limit).toBe(25);
  });

  it('refuses a date-time that a JavaScript Date cannot hold (a leap second)', () => {
    const schema = { type: 'object', properties: { since: { type: 'string', format: 'date-time' } } };
    expect(fieldsRefused(schema, { since: '2026-12-31T23:59:60Z' })).toEqual(['since']);
    expect(fieldsRefused(schema, { since: '2026-12-31T23:59:59.999+01:00' })).toEqual([]);
  });
});

describe('compileAhead', () => {
  it('compiles a schema once, so that its first check compiles nothing', () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const;
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    try {
      compileAhead(schema);
      expect(compile).toHaveBeenCalledTimes(1);
      expect(fieldsRefused(schema, {})).toEqual(['name']);
      expect(fieldsRefused(schema, { name: 'general' })).toEqual([]);
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      compile.mockRestore();
    }
  });
});
