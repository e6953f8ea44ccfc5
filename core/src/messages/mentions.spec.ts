import { parseMentions } from './mentions';

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
