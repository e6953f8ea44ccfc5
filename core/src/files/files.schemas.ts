export interface FileView {
  id: string;
  workspaceId: string;
  uploaderId: string;
  name: string;
  size: number;
  contentType: string;
  createdAt: string;
}

/** Types a browser may render in place; everything else (HTML, SVG, scripts, unknown) is a download. */
export const INLINE_CONTENT_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'application/pdf',
  'text/plain',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'video/mp4',
  'video/webm',
]);

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}$/;

export function normalizeContentType(declared: string | undefined): string {
  const type = (declared ?? '').split(';')[0].trim().toLowerCase();
  return CONTENT_TYPE.test(type) ? type : 'application/octet-stream';
}

/**
 * Why a client's file name is unusable, or undefined when it is fine: a name is a label, never a path, so
 * separators, dot-segments and control characters are refused rather than silently rewritten.
 */
export function fileNameProblem(name: string | undefined): string | undefined {
  if (!name || !name.trim()) return 'must have a file name';
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f\u007f]/.test(name)) return 'must not contain path separators or control characters';
  if (name.trim() === '.' || name.trim() === '..') return 'must not be a dot-segment';
  if ([...name].length > 255) return 'must be at most 255 characters';
  return undefined;
}

/** Served bytes from users are never rendered as a page of ours: no type sniffing, no script, no origin. */
export const UNTRUSTED_CONTENT_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
} as const;
