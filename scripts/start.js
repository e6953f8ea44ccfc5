#!/usr/bin/env node
'use strict';
// `npm start`: builds what is stale, then runs the server in this same process. npm hands SIGTERM and
// SIGINT to the process it started, so they reach the server's graceful shutdown (which also stops the
// embedded PostgreSQL) rather than a shell or a build step standing in between.
const { build } = require('./build.js');

build().then(
  () => {
    process.setSourceMapsEnabled(true);
    require('../core/dist/main.js');
  },
  (error) => {
    console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
