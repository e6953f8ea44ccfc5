#!/usr/bin/env node
'use strict';

const path = require('node:path');

const USAGE = `Usage: jokkaer-plugin build [dir] [--out <dir>] [--minify]

Bundles the plugin in <dir> (default: the current directory) into <out>/plugin.js and <out>/plugin.json
(default <out>: <dir>/dist). The entry is plugin.json's "main", else index.ts, else index.js.`;

function parse(argv) {
  const options = { command: argv[0], dir: '.', out: undefined, minify: false };
  const rest = argv.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--out' || arg === '-o') {
      options.out = rest[++i];
      if (!options.out) throw new Error('--out needs a directory');
    } else if (arg === '--minify') options.minify = true;
    else if (arg === '--help' || arg === '-h') options.command = 'help';
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.dir = arg;
  }
  return options;
}

function loadBuilder() {
  try {
    return require('../dist/build.js');
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/build.js')) {
      throw new Error('the SDK is not built: run `npm run build -w @jokkaer/sdk-plugin` first');
    }
    throw error;
  }
}

async function main() {
  const options = parse(process.argv.slice(2));
  if (options.command === 'help' || options.command === undefined) {
    console.log(USAGE);
    return options.command === 'help' ? 0 : 2;
  }
  if (options.command !== 'build') {
    console.error(`unknown command ${options.command}\n\n${USAGE}`);
    return 2;
  }
  const { buildPlugin, resolvePluginDir, formatBytes } = loadBuilder();
  const { entry, manifestPath } = await resolvePluginDir(options.dir);
  const outDir = options.out ?? path.join(options.dir, 'dist');
  const result = await buildPlugin({ entry, manifestPath, outDir, minify: options.minify });
  for (const warning of result.warnings) console.warn(warning);
  const shown = (file) => {
    const relative = path.relative(process.cwd(), file);
    return relative === '' || relative.startsWith('..') ? file : relative;
  };
  console.log(
    `built ${result.manifest.id} ${result.manifest.version}: ${shown(result.scriptPath)} ` +
      `(${formatBytes(result.bytes)}) and ${shown(result.manifestOutPath)}`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`jokkaer-plugin: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
