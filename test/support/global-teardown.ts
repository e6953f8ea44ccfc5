import { rm } from 'node:fs/promises';
import { testDatabaseSettings, withAdminClient } from './database';

/**
 * Drops this run's databases (CI reuses the machine's PostgreSQL), stops the embedded server and removes the
 * run's temporary folder (its cluster included).
 */
export default async function globalTeardown(): Promise<void> {
  const { adminUrl, template } = testDatabaseSettings();
  await withAdminClient(adminUrl, async (client) => {
    // The template and its copies (`<template>_<suffix>`), matched literally: in LIKE, `_` stands for any
    // character, so an unescaped prefix could also name another run's databases.
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $1 || '_')",
      [template],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
  await globalThis.__JOKKAER_EMBEDDED_PG__?.stop();
  if (globalThis.__JOKKAER_RUN_DIR__)
    await rm(globalThis.__JOKKAER_RUN_DIR__, { recursive: true, force: true });
}
