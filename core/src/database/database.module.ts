import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { LOGGER } from '../common/logger';
import { Database, migrateLatest, openDatabase } from './database';
import type { DatabaseConnection } from './database';

const CONNECTION = Symbol('DATABASE_CONNECTION');

@Global()
@Module({
  providers: [
    {
      provide: CONNECTION,
      inject: [APP_CONFIG, LOGGER],
      useFactory: async (config: AppConfig, logger: Logger): Promise<DatabaseConnection> => {
        const connection = await openDatabase(config, logger);
        if (config.migrateOnStart) {
          const applied = await migrateLatest(connection.url);
          logger.info({ applied }, applied.length ? 'database migrated' : 'database schema is current');
        }
        return connection;
      },
    },
    {
      provide: Database,
      inject: [CONNECTION],
      useFactory: (c: DatabaseConnection) => new Database(c.knex, c.url),
    },
  ],
  exports: [Database],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(CONNECTION) private readonly connection: DatabaseConnection) {}

  onApplicationShutdown(): Promise<void> {
    return this.connection.close();
  }
}
