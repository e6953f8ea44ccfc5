// The initial JavaScript budget: what index.html loads before anything else (its module script and the modules
// it preloads), gzipped, must stay within 200 KB; screens loaded later (the chat screen) are listed apart.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 200 * 1024;
const dist = path.resolve(import.meta.dirname, '..', 'dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map(
  (match) => match[1],
);
const gzipped = (file) => gzipSync(readFileSync(path.join(dist, file))).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const initialBytes = initial.reduce((sum, file) => sum + gzipped(file), 0);
const lazy = readdirSync(path.join(dist, 'assets'))
  .filter((name) => name.endsWith('.js') && !initial.includes(`assets/${name}`))
  .map((name) => `${name} ${kb(gzipped(`assets/${name}`))}`);
console.log(
  `initial JavaScript: ${kb(initialBytes)} gzip (budget ${kb(BUDGET_BYTES)}): ${initial.join(', ')}`,
);
console.log(`loaded later: ${lazy.join(', ') || 'nothing'}`);
if (initial.length === 0) {
  console.error('budget: index.html loads no script from /assets: is web/dist a Vite build?');
  process.exitCode = 1;
} else if (initialBytes > BUDGET_BYTES) {
  console.error(`budget: the initial JavaScript is over budget by ${kb(initialBytes - BUDGET_BYTES)}`);
  process.exitCode = 1;
}
