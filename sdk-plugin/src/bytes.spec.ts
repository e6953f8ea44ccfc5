import { fromBase64, toBase64, utf8 } from './bytes';

describe('byte helpers', () => {
  it('encode UTF-8 as TextEncoder does', () => {
    for (const text of ['', 'a', 'pässword', '日本語', '🎲 emoji', '\ud800 lone'])
      expect(Buffer.from(utf8(text))).toEqual(Buffer.from(new TextEncoder().encode(text)));
  });

  it('encode and decode base64 as Buffer does', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const length of [0, 1, 2, 3, 4, 255, 256]) {
      const slice = bytes.slice(0, length);
      const encoded = Buffer.from(slice).toString('base64');
      expect(toBase64(slice)).toBe(encoded);
      expect(Buffer.from(fromBase64(encoded))).toEqual(Buffer.from(slice));
      expect(Buffer.from(fromBase64(encoded.replace(/=+$/, '')))).toEqual(Buffer.from(slice));
    }
    expect(() => fromBase64('a-b_')).toThrow('not base64');
  });
});
