import { parseBroadcast, parseMentions } from './mentions';

describe('parseMentions', () => {
  const a = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  const b = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';

  it('finds <@id> mentions once each, in order', () => {
    expect(parseMentions(`hi <@${b}> and <@${a}>, again <@${b}>`)).toEqual([b, a]);
  });

  it('normalises case and ignores look-alikes', () => {
    expect(parseMentions(`<@${a.toUpperCase()}> @${b} <@not-an-id> <@${a}`)).toEqual([a]);
  });
});

describe('parseBroadcast', () => {
  it.each([
    ['@here can someone look?', 'here'],
    ['deploy done, @channel.', 'channel'],
    ['(@HERE)', 'here'],
    ['<!here> from a Slack client', 'here'],
    ['<!channel>', 'channel'],
    ['@here and @channel', 'channel'],
  ])('finds the broadcast in %j', (text, expected) => {
    expect(parseBroadcast(text)).toBe(expected);
  });

  it.each(['mail me at ops@here.com', 'the @channels list', '@here-team', 'x@channel', '@@here', 'here'])(
    'ignores %j',
    (text) => {
      expect(parseBroadcast(text)).toBeUndefined();
    },
  );
});
