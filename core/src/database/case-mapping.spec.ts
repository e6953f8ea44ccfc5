import { camelCase, snakeCase, snakeCaseMapping } from './case-mapping';

describe('case mapping', () => {
  it('writes camelCase names in snake_case', () => {
    const cases = {
      id: 'id',
      workspaceId: 'workspace_id',
      alsoSentToChannel: 'also_sent_to_channel',
      workspaceMembers: 'workspace_members',
      // Digits join the word before them; a run of capitals is one word.
      line2: 'line2',
      v2Name: 'v2_name',
      userID: 'user_id',
      fooBARBaz: 'foo_barbaz',
      // The first character only goes to lower case.
      Workspace: 'workspace',
      _id: '_id',
      already_snake: 'already_snake',
      ÄpfelÖl: 'äpfel_öl',
      '': '',
    };
    for (const [name, sql] of Object.entries(cases))
      expect({ name, sql: snakeCase(name) }).toEqual({ name, sql });
  });

  it('reads snake_case names in camelCase', () => {
    const cases = {
      id: 'id',
      workspace_id: 'workspaceId',
      also_sent_to_channel: 'alsoSentToChannel',
      line2: 'line2',
      // Underscores go, whatever their number; the first character stays as it is.
      a__b: 'aB',
      trailing_: 'trailing',
      _id: '_Id',
      Upper_case: 'UpperCase',
      alreadyCamel: 'alreadyCamel',
      '': '',
    };
    for (const [sql, name] of Object.entries(cases))
      expect({ sql, name: camelCase(sql) }).toEqual({ sql, name });
  });

  it('converts the identifiers knex writes, after the last colon only', () => {
    const { wrapIdentifier } = snakeCaseMapping();
    const wrap = (name: string) => `"${name}"`;
    expect(wrapIdentifier!('channelMembers', wrap, undefined)).toBe('"channel_members"');
    expect(wrapIdentifier!('a:fooBar', wrap, undefined)).toBe('"a:foo_bar"');
  });

  it("renames the keys of the rows knex answers, and of a raw result's own object only", () => {
    const { postProcessResponse } = snakeCaseMapping();
    expect(postProcessResponse!([{ user_id: 'u', is_bot: true }, null], undefined)).toEqual([
      { userId: 'u', isBot: true },
      null,
    ]);
    expect(postProcessResponse!({ row_count: 1, rows: [{ user_id: 'u' }] }, undefined)).toEqual({
      rowCount: 1,
      rows: [{ user_id: 'u' }],
    });
    expect(postProcessResponse!(3, undefined)).toBe(3);
  });
});
