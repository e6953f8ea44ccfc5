import sharp from 'sharp';

/** Avatars are stored and served as squares of this many pixels. */
export const AVATAR_SIZE = 256;
export const AVATAR_CONTENT_TYPE = 'image/webp';
/** Larger images are refused before they are decoded (a small file can declare a huge canvas). */
const MAX_INPUT_PIXELS = 50_000_000;

/**
 * The image formats accepted, recognised by their first bytes whatever the client claims: anything else
 * (SVG, TIFF, HEIF, HTML...) never reaches a decoder.
 */
const SIGNATURES: { contentType: string; matches: (head: Buffer) => boolean }[] = [
  {
    contentType: 'image/png',
    matches: (head) =>
      head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { contentType: 'image/jpeg', matches: (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff },
  { contentType: 'image/gif', matches: (head) => /^GIF8[79]a/.test(head.toString('latin1', 0, 6)) },
  {
    contentType: 'image/webp',
    matches: (head) => head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP',
  },
];

/** The accepted image type the content starts like, if any. */
export function sniffImageType(content: Buffer): string | undefined {
  return SIGNATURES.find((signature) => signature.matches(content))?.contentType;
}

/**
 * The avatar made from an uploaded image (or a bot's icon, smaller): turned upright (EXIF), cropped to its
 * centre square, resized and re-encoded, so nothing of the upload but its pixels (no metadata, no second frame)
 * is kept. Rejects when the image cannot be decoded.
 */
export async function toAvatar(content: Buffer, size = AVATAR_SIZE): Promise<Buffer> {
  return await decode(content).resize(size, size, { fit: 'cover' }).webp({ quality: 85 }).toBuffer();
}

/** An image scaled down (never up) to fit a box, re-encoded the same way (a picture posted in a message). */
export async function toBoundedImage(content: Buffer, width: number, height: number): Promise<Buffer> {
  return await decode(content)
    .resize(width, height, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
}

/** The image's first frame turned upright (EXIF), refused when it cannot be decoded or is too large. */
function decode(content: Buffer) {
  return sharp(content, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
}
