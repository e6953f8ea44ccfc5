// Draws the app's PNG icons (web/public/icons) from one SVG: run by hand when the mark changes, and commit the
// PNGs. "any" icons have rounded corners; the maskable one fills the square and keeps the letter inside the
// central 80% safe zone that launchers may crop to a circle or squircle.
import { Buffer } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const out = path.resolve(import.meta.dirname, '..', 'public', 'icons');
const mark = (radius, fontSize) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="${radius}" fill="#3451c7"/>` +
      `<text x="256" y="${256 + fontSize * 0.36}" font-family="DejaVu Sans,system-ui,sans-serif" font-size="${fontSize}" font-weight="700" fill="#fff" text-anchor="middle">J</text></svg>`,
  );

mkdirSync(out, { recursive: true });
for (const size of [192, 512]) {
  await sharp(mark(112, 272))
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(path.join(out, `icon-${size}.png`));
}
await sharp(mark(0, 220))
  .resize(512, 512)
  .png({ compressionLevel: 9 })
  .toFile(path.join(out, 'maskable-512.png'));
await sharp(mark(0, 272))
  .resize(180, 180)
  .png({ compressionLevel: 9 })
  .toFile(path.join(out, 'apple-touch-icon.png'));
