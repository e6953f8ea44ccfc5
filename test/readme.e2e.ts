import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, TestServer } from './support/server';

/** The README's "Try it" snippet, run as written (only the server's address changed) by a POSIX shell. */
const readme = readFileSync(path.resolve(__dirname, '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Try it'), readme.indexOf('## Configuration'));
const snippet = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('"Try it" registers, creates a workspace and a channel, posts and lists the message', async () => {
  expect(snippet).toContain('http://localhost:3000');
  const script = snippet.replaceAll('http://localhost:3000', server.url);
  const { stdout } = await promisify(execFile)('sh', ['-e', '-c', script], { timeout: 20_000 });
  const [posted, listed] = stdout.trim().split('\n').slice(-2);
  expect(JSON.parse(posted)).toEqual(expect.objectContaining({ text: 'hello', id: expect.any(String) }));
  expect(JSON.parse(listed)).toEqual({
    items: [expect.objectContaining({ id: JSON.parse(posted).id, text: 'hello' })],
    nextCursor: null,
    newerCursor: null,
  });
});
