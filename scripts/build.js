#!/usr/bin/env node
'use strict';
// Builds what is stale, in order: the SDK, the first-party plugins (bundled from the SDK's sources), the
// server and the browser client (web/, bundled by Vite). Up-to-date parts are skipped, so `npm start` after `npm start` only checks timestamps.
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, utimesSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');

function runTsc(args) {
  execFileSync(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' });
}

/** The newest modification time of a file or of the files under a folder (skipping `skip` folder names). */
function newestMtime(target, skip = new Set()) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name), skip));
  }
  return newest;
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

async function buildPlugins() {
  const { buildPlugin, resolvePluginDir, formatBytes } = require('../sdk-plugin/dist/build.js');
  const pluginsRoot = path.join(root, 'plugins');
  // A bundle inlines the SDK's sources and the plugin's npm dependencies (pinned by the lockfile).
  const shared = Math.max(
    newestMtime(path.join(root, 'sdk-plugin', 'src')),
    mtime(path.join(root, 'package-lock.json')),
  );
  for (const name of readdirSync(pluginsRoot)) {
    const dir = path.join(pluginsRoot, name);
    if (!existsSync(path.join(dir, 'plugin.json'))) continue;
    const outDir = path.join(dir, 'dist');
    const built = Math.min(mtime(path.join(outDir, 'plugin.js')), mtime(path.join(outDir, 'plugin.json')));
    const sources = Math.max(shared, newestMtime(dir, new Set(['dist', 'node_modules'])));
    if (built > sources) continue;
    const { entry, manifestPath } = await resolvePluginDir(dir);
    const result = await buildPlugin({ entry, manifestPath, outDir });
    for (const warning of result.warnings) console.warn(warning);
    console.log(`built ${result.manifest.id} ${result.manifest.version} (${formatBytes(result.bytes)})`);
  }
}

/** Bundles the browser client into web/dist when its sources, configuration or dependencies changed. */
function buildWeb() {
  const web = path.join(root, 'web');
  const built = mtime(path.join(web, 'dist', 'index.html'));
  const sources = Math.max(
    newestMtime(web, new Set(['dist', 'node_modules', 'tests', 'test-results', 'playwright-report'])),
    mtime(path.join(root, 'package-lock.json')),
  );
  if (built > sources) return;
  // Vite's package exports no path to its command; its package.json locates it.
  const vite = path.join(
    path.dirname(require.resolve('vite/package.json', { paths: [web] })),
    'bin',
    'vite.js',
  );
  // Vite keeps a NODE_ENV it inherits (Jest sets "test"), which would bundle React's development build.
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: web,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/**
 * Builds the SDK, the plugins, the server and (unless `web` is false) the browser client, each only when its
 * inputs changed since its last build.
 */
async function build({ web = true } = {}) {
  // tsc's build mode compares the project's sources with its build info and returns at once when nothing changed.
  runTsc(['-b', 'sdk-plugin/tsconfig.build.json']);
  await buildPlugins();
  // Build mode does not look at the SDK's declarations the server imports; after an SDK build the server is
  // checked again through its incremental build info.
  const sdkBuilt = mtime(path.join(root, 'sdk-plugin', 'dist', '.tsbuildinfo'));
  const coreBuilt = mtime(path.join(root, 'core', 'dist', '.tsbuildinfo'));
  if (sdkBuilt > coreBuilt) {
    runTsc(['-p', 'core/tsconfig.build.json']);
    // Stamped even when nothing had to be emitted, so the next start does not check again.
    const now = new Date();
    utimesSync(path.join(root, 'core', 'dist', '.tsbuildinfo'), now, now);
  } else {
    runTsc(['-b', 'core/tsconfig.build.json']);
  }
  if (web) buildWeb();
}

module.exports = { build };

if (require.main === module) {
  build().catch((error) => {
    console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
