#!/usr/bin/env node
'use strict';
// Builds every first-party plugin (plugins/<name>/plugin.json) into plugins/<name>/dist, where the server's
// catalogue finds it. Needs the SDK built first (npm run build does both, in order).
const { existsSync, readdirSync } = require('node:fs');
const path = require('node:path');
const { buildPlugin, resolvePluginDir, formatBytes } = require('../sdk-plugin/dist/build.js');

async function main() {
  const root = path.resolve(__dirname, '..', 'plugins');
  const dirs = readdirSync(root)
    .map((name) => path.join(root, name))
    .filter((dir) => existsSync(path.join(dir, 'plugin.json')));
  for (const dir of dirs) {
    const { entry, manifestPath } = await resolvePluginDir(dir);
    const result = await buildPlugin({ entry, manifestPath, outDir: path.join(dir, 'dist') });
    for (const warning of result.warnings) console.warn(warning);
    console.log(`built ${result.manifest.id} ${result.manifest.version} (${formatBytes(result.bytes)})`);
  }
}

main().catch((error) => {
  console.error(`build-plugins: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
