import { build, formatMessages, type Message as EsbuildMessage, type Plugin as EsbuildPlugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { SDK_VERSION } from './index';
import { type PluginManifest, validateManifest } from './manifest';

/** The largest bundle the build accepts (the server refuses bigger uploads too). */
export const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

export interface BuildOptions {
  /** The plugin's entry module (TypeScript or JavaScript) that calls `definePlugin`. */
  entry: string;
  /** Its `plugin.json`. */
  manifestPath: string;
  /** Where `plugin.js` and `plugin.json` are written (created when missing). */
  outDir: string;
  /** Minify the bundle; off by default so stack traces in the invocation log stay readable. */
  minify?: boolean;
}

export interface BuildResult {
  manifest: PluginManifest;
  /** Absolute paths of the files written. */
  scriptPath: string;
  manifestOutPath: string;
  bytes: number;
  warnings: string[];
}

/** A build that failed: `problems` are one line each (a file position, or a manifest field, and what is wrong). */
export class PluginBuildError extends Error {
  constructor(
    summary: string,
    readonly problems: string[],
  ) {
    super([summary, ...problems.map((problem) => `  ${problem}`)].join('\n'));
    this.name = 'PluginBuildError';
  }
}

/** The SDK's own sources, which plugins are bundled against so that unused SDK code is tree-shaken away. */
const SDK_SOURCE_ENTRY = path.resolve(__dirname, '..', 'src', 'index.ts');

const sdkFromSource: EsbuildPlugin = {
  name: 'jokkaer-sdk-source',
  setup(builder) {
    if (!existsSync(SDK_SOURCE_ENTRY)) return;
    builder.onResolve({ filter: /^@jokkaer\/sdk-plugin$/ }, () => ({
      path: SDK_SOURCE_ENTRY,
      sideEffects: false,
    }));
  },
};

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

async function describeMessages(messages: EsbuildMessage[], kind: 'error' | 'warning'): Promise<string[]> {
  const lines = await formatMessages(
    messages.map((message) => {
      const module = /^Could not resolve "([^"]+)"/.exec(message.text)?.[1];
      if (!module || !NODE_BUILTINS.has(module)) return message;
      return {
        ...message,
        notes: [
          {
            text:
              'Plugins run in a sandbox without Node.js APIs (no fs, net, process or require): ' +
              'use the context instead (ctx.http.fetch, ctx.kv, ctx.log, ...).',
          },
        ],
      };
    }),
    { kind, color: false, terminalWidth: 1000 },
  );
  return lines.map((line) => line.trim());
}

/**
 * Bundles a plugin entry into one self-contained classic script, in memory: an IIFE for a neutral platform
 * (no Node.js, no DOM), ES2022, with every import — `@jokkaer/sdk-plugin` included — inlined. Throws a
 * PluginBuildError naming each problem; refuses bundles over MAX_BUNDLE_BYTES.
 */
export async function bundlePlugin(
  entry: string,
  options: { minify?: boolean; banner?: string } = {},
): Promise<{ code: string; warnings: string[] }> {
  let result;
  try {
    result = await build({
      entryPoints: [path.resolve(entry)],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'neutral',
      target: 'es2022',
      // A neutral platform resolves no package fields by default; npm packages need these.
      mainFields: ['module', 'main'],
      define: { 'process.env.NODE_ENV': '"production"' },
      minify: options.minify ?? false,
      charset: 'utf8',
      legalComments: 'inline',
      banner: options.banner ? { js: options.banner } : undefined,
      plugins: [sdkFromSource],
      logLevel: 'silent',
    });
  } catch (error) {
    const failure = error as { errors?: EsbuildMessage[] };
    if (!Array.isArray(failure.errors)) throw error;
    throw new PluginBuildError(`cannot bundle ${entry}:`, await describeMessages(failure.errors, 'error'));
  }
  const code = result.outputFiles[0].text;
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > MAX_BUNDLE_BYTES) {
    throw new PluginBuildError(`cannot bundle ${entry}:`, [
      `the bundle is ${bytes.toLocaleString('en-US')} bytes; a plugin may be at most ` +
        `${formatBytes(MAX_BUNDLE_BYTES)} (${MAX_BUNDLE_BYTES.toLocaleString('en-US')} bytes)`,
    ]);
  }
  return { code, warnings: await describeMessages(result.warnings, 'warning') };
}

/** Reads and validates a `plugin.json`; throws a PluginBuildError naming every failing field. */
export async function readManifest(manifestPath: string): Promise<PluginManifest> {
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    throw new PluginBuildError(`cannot read ${manifestPath}:`, [(error as Error).message]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PluginBuildError(`${manifestPath} is not valid JSON:`, [(error as Error).message]);
  }
  const result = validateManifest(parsed);
  if (!result.ok) {
    throw new PluginBuildError(
      `${manifestPath} is not a valid plugin manifest:`,
      result.errors.map((error) => `${error.path}: ${error.message}`),
    );
  }
  return result.manifest;
}

/**
 * Validates the manifest, bundles the entry and writes `<outDir>/plugin.js` and `<outDir>/plugin.json` (the
 * manifest as validated, without `main`, which names a source file). Nothing is written when anything fails.
 */
export async function buildPlugin(options: BuildOptions): Promise<BuildResult> {
  const manifest = await readManifest(options.manifestPath);
  const { code, warnings } = await bundlePlugin(options.entry, {
    minify: options.minify,
    banner: `/* ${manifest.id} ${manifest.version}, built with @jokkaer/sdk-plugin ${SDK_VERSION} */`,
  });
  const built: Partial<PluginManifest> = { ...manifest };
  delete built.main;
  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const scriptPath = path.join(outDir, 'plugin.js');
  const manifestOutPath = path.join(outDir, 'plugin.json');
  await writeFile(scriptPath, code);
  await writeFile(manifestOutPath, `${JSON.stringify(built, null, 2)}\n`);
  return { manifest, scriptPath, manifestOutPath, bytes: Buffer.byteLength(code, 'utf8'), warnings };
}

/**
 * Where a plugin directory's manifest and entry are: `plugin.json`, and its `main` field, else `index.ts`,
 * else `index.js`. Throws a PluginBuildError when there is no manifest or no entry.
 */
export async function resolvePluginDir(dir: string): Promise<{ manifestPath: string; entry: string }> {
  const manifestPath = path.resolve(dir, 'plugin.json');
  if (!existsSync(manifestPath)) throw new PluginBuildError(`no plugin.json in ${path.resolve(dir)}`, []);
  let main: unknown;
  try {
    main = (JSON.parse(await readFile(manifestPath, 'utf8')) as { main?: unknown }).main;
  } catch {
    main = undefined; // readManifest reports it
  }
  const candidates = typeof main === 'string' ? [main] : ['index.ts', 'index.js'];
  const entry = candidates.map((name) => path.resolve(dir, name)).find((file) => existsSync(file));
  if (!entry) {
    throw new PluginBuildError(`no entry for the plugin in ${path.resolve(dir)}:`, [
      `looked for ${candidates.join(', ')} (set "main" in plugin.json to name another file)`,
    ]);
  }
  return { manifestPath, entry };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
