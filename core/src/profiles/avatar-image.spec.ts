import sharp from 'sharp';
import { AVATAR_SIZE, sniffImageType, toAvatar } from './avatar-image';

const image = (format: 'png' | 'jpeg' | 'gif' | 'webp', width = 40, height = 20) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .toFormat(format)
    .toBuffer();

describe('avatar images', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['gif', 'image/gif'],
    ['webp', 'image/webp'],
  ] as const)('recognises %s by its content', async (format, contentType) => {
    expect(sniffImageType(await image(format))).toBe(contentType);
  });

  it('refuses what is not one of those images, whatever it is called', () => {
    for (const text of ['<svg xmlns="http://www.w3.org/2000/svg"/>', '<html><script>', 'II*\u0000', '']) {
      expect(sniffImageType(Buffer.from(text))).toBeUndefined();
    }
  });

  it('makes a square WebP of the avatar size without the original metadata', async () => {
    const avatar = await toAvatar(await image('jpeg', 800, 300));
    const meta = await sharp(avatar).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: AVATAR_SIZE, height: AVATAR_SIZE });
    expect(meta.exif).toBeUndefined();
  });

  it('rejects an image that does not decode', async () => {
    const truncated = (await image('png')).subarray(0, 40);
    await expect(toAvatar(truncated)).rejects.toThrow();
  });
});
