import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPlugin, bundlePlugin, MAX_BUNDLE_BYTES, PluginBuildError, resolvePluginDir } from './build';
import { createTestHost } from './testing';

const ECHO_BOT = path.resolve(__dirname, '../../fixtures/plugins/echo-bot');

describe('buildPlugin', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'jokkaer-build-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A plugin source directory with the given files. */
  const source = async (files: Record<string, string>) => {
    const root = path.join(dir, 'src');
    await mkdir(root, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, name), text);
    return root;
  };
  const manifest = (extra: object = {}) =>
    JSON.stringify({
      id: 'tiny',
      name: 'Tiny',
      version: '1.0.0',
      sdkVersion: '^0.1.0',
      permissions: {},
      ...extra,
    });

  it('writes one small classic script and the validated manifest, which run in the sandbox', async () => {
    const out = path.join(dir, 'out');
    const result = await buildPlugin({
      entry: path.join(ECHO_BOT, 'index.ts'),
      manifestPath: path.join(ECHO_BOT, 'plugin.json'),
      outDir: out,
    });
    const code = await readFile(path.join(out, 'plugin.js'), 'utf8');
    const written = JSON.parse(await readFile(path.join(out, 'plugin.json'), 'utf8'));
    expect(written).toEqual(JSON.parse(await readFile(path.join(ECHO_BOT, 'plugin.json'), 'utf8')));
    expect(result).toMatchObject({ manifest: written, bytes: Buffer.byteLength(code), warnings: [] });
    // No module syntax, no require: a script. The SDK is inlined, tree-shaken to what the bot uses.
    expect(code).toMatch(
      /^\/\* echo-bot 1\.0\.0, built with @jokkaer\/sdk-plugin 0\.1\.0 \*\/\n"use strict";\n\(\(\) => \{/,
    );
    expect(code).not.toMatch(/\brequire\(|\bimport\b|\bexport\b/);
    expect(code).toContain('function definePlugin(');
    expect(code).not.toMatch(/ajv|eventSchemas|manifestSchema/i);
    expect(result.bytes).toBeLessThan(10_000);

    const host = await createTestHost({ code, manifest: written });
    try {
      expect(await host.runCommand('/echo', { args: 'built' })).toMatchObject({
        ok: true,
        value: { text: 'built' },
      });
    } finally {
      host.dispose();
    }
  });

  it('drops `main` from the written manifest and finds the entry it names', async () => {
    const root = await source({
      'plugin.json': manifest({ main: 'lib/start.js' }),
    });
    await mkdir(path.join(root, 'lib'));
    await writeFile(
      path.join(root, 'lib/start.js'),
      `import { definePlugin } from '@jokkaer/sdk-plugin';\ndefinePlugin({ commands: {} });\n`,
    );
    const found = await resolvePluginDir(root);
    expect(found).toEqual({
      manifestPath: path.join(root, 'plugin.json'),
      entry: path.join(root, 'lib/start.js'),
    });
    await buildPlugin({ ...found, outDir: path.join(dir, 'out') });
    expect(JSON.parse(await readFile(path.join(dir, 'out/plugin.json'), 'utf8'))).not.toHaveProperty('main');

    const bare = await mkdtemp(path.join(dir, 'bare-'));
    await writeFile(path.join(bare, 'plugin.json'), manifest());
    await expect(resolvePluginDir(bare)).rejects.toThrow('looked for index.ts, index.js');
    await expect(resolvePluginDir(path.join(dir, 'nowhere'))).rejects.toThrow('no plugin.json');
  });

  it('refuses an invalid manifest, naming the fields, and writes nothing', async () => {
    const root = await source({
      'plugin.json': manifest({ id: 'Tiny', permissions: { commands: [{ command: '/go' }] } }),
      'index.ts': `import { definePlugin } from '@jokkaer/sdk-plugin';\ndefinePlugin({});\n`,
    });
    const out = path.join(dir, 'out');
    const failure = await buildPlugin({ ...(await resolvePluginDir(root)), outDir: out }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(PluginBuildError);
    expect((failure as PluginBuildError).problems).toEqual([
      'id: must be 2–63 lowercase letters, digits and hyphens, starting with a letter',
      'permissions/commands/0/description: is required',
      'permissions/commands/0/command: must be 1–32 lowercase letters, digits, _ and -, starting with a letter, without the slash',
    ]);
    expect(existsSync(out)).toBe(false);
    await writeFile(path.join(root, 'plugin.json'), '{ "id": ');
    await expect(buildPlugin({ ...(await resolvePluginDir(root)), outDir: out })).rejects.toThrow(
      'plugin.json is not valid JSON',
    );
  });

  it('explains that Node.js built-ins are not available, and reports syntax errors with their position', async () => {
    const root = await source({
      'index.ts': `import { readFileSync } from 'node:fs';\nimport { definePlugin } from '@jokkaer/sdk-plugin';\ndefinePlugin({ commands: { x: () => ({ text: String(readFileSync) }) } });\n`,
      'broken.ts': `const x: number = ;\n`,
    });
    const builtins = (await bundlePlugin(path.join(root, 'index.ts')).catch((e: unknown) => e)) as Error;
    expect(builtins.message).toContain('Could not resolve "node:fs"');
    expect(builtins.message).toContain('Plugins run in a sandbox without Node.js APIs');
    const syntax = (await bundlePlugin(path.join(root, 'broken.ts')).catch((e: unknown) => e)) as Error;
    expect(syntax.message).toMatch(/broken\.ts:1:18/);
  });

  it(`refuses a bundle over ${MAX_BUNDLE_BYTES / 1024 / 1024} MB`, async () => {
    const root = await source({
      'index.ts': `import { definePlugin } from '@jokkaer/sdk-plugin';\nimport data from './data.json';\ndefinePlugin({ commands: { size: () => ({ text: String(data.length) }) } });\n`,
      'data.json': JSON.stringify('x'.repeat(MAX_BUNDLE_BYTES)),
    });
    await expect(bundlePlugin(path.join(root, 'index.ts'))).rejects.toThrow(
      /the bundle is 5,24\d,\d{3} bytes; a plugin may be at most 5\.0 MB \(5,242,880 bytes\)/,
    );
  });
});
