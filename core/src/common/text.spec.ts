import { isStorableText, unstorableTextFields } from './text';

describe('storable text', () => {
  it('refuses NUL and unpaired surrogates, and keeps paired ones (emoji)', () => {
    expect(isStorableText('plain text, é, 👍🏽')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('\ud800')).toBe(false);
    expect(isStorableText('x\udc00')).toBe(false);
    expect(isStorableText('\ud83d\ude00')).toBe(true);
  });

  it('names every failing string and key by its path', () => {
    expect(
      unstorableTextFields({ text: 'ok', blocks: [{ title: 'a\u0000' }], ['k\ud800']: 1 }, 'body').map(
        (f) => f.path,
      ),
    ).toEqual(['body/blocks/0/title', 'body/k\ud800']);
  });
});
