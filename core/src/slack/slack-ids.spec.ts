import {
  channelSlackId,
  formatTs,
  nativeId,
  nativeMentions,
  parseTs,
  slackId,
  slackMentions,
} from './slack-ids';

describe('Slack ids', () => {
  const uuid = '01890a5d-ac96-774b-bcce-b302099a8057';

  it('round-trips a UUID through a Slack-shaped id of its kind', () => {
    const id = slackId('U', uuid);
    expect(id).toMatch(/^U[0-9A-V]{26}$/);
    expect(nativeId(id, ['U'])).toBe(uuid);
    expect(nativeId(slackId('T', '00000000-0000-0000-0000-000000000000'), ['T'])).toBe(
      '00000000-0000-0000-0000-000000000000',
    );
    expect(nativeId(slackId('B', 'ffffffff-ffff-ffff-ffff-ffffffffffff'), ['B'])).toBe(
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    );
  });

  it('refuses ids of another kind, of the wrong shape, or beyond 128 bits', () => {
    expect(nativeId(slackId('U', uuid), ['C', 'G'])).toBeUndefined();
    expect(nativeId('C024BE91L', ['C'])).toBeUndefined();
    expect(nativeId(`C${'V'.repeat(26)}`, ['C'])).toBeUndefined();
    expect(nativeId(42, ['C'])).toBeUndefined();
  });

  it('names channels by kind and accepts native UUIDs as they are', () => {
    expect(channelSlackId({ id: uuid, kind: 'public' })).toMatch(/^C/);
    expect(channelSlackId({ id: uuid, kind: 'private' })).toMatch(/^G/);
    expect(channelSlackId({ id: uuid, kind: 'dm' })).toMatch(/^D/);
    expect(nativeId(uuid.toUpperCase(), ['C'])).toBe(uuid);
  });

  it('formats and parses message timestamps to the microsecond', () => {
    expect(formatTs('1712345678000100')).toBe('1712345678.000100');
    expect(parseTs('1712345678.000100')).toBe('1712345678000100');
    expect(parseTs('1712345678.1')).toBeUndefined();
    expect(parseTs(1712345678)).toBeUndefined();
  });

  it('writes mentions as Slack does and reads an app’s back, leaving other text alone', () => {
    const text = `hi <@${uuid}> and <@${uuid.toUpperCase()}>, <!here>`;
    const slack = slackMentions(text);
    expect(slack).toBe(`hi <@${slackId('U', uuid)}> and <@${slackId('U', uuid)}>, <!here>`);
    expect(nativeMentions(slack)).toBe(`hi <@${uuid}> and <@${uuid}>, <!here>`);
    expect(nativeMentions(`<@${slackId('B', uuid)}> <@U024BE7LH> <@${slackId('C', uuid)}>`)).toBe(
      `<@${uuid}> <@U024BE7LH> <@${slackId('C', uuid)}>`,
    );
  });
});
