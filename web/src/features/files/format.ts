const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** "12 kB", "3.4 MB": a file size as people read it, in their language. */
export function formatSize(bytes: number, language: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit: UNITS[unit],
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
  }).format(value);
}

/** Types the server serves as images (files.schemas.ts INLINE_CONTENT_TYPES); SVG and others are downloads. */
const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

export const isPreviewable = (contentType: string) => PREVIEWABLE.has(contentType);
