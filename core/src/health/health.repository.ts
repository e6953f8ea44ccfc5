import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';

@Injectable()
export class HealthRepository {
  constructor(private readonly db: Database) {}

  /** One round trip to the database. */
  async ping(): Promise<void> {
    await this.db.knex.raw('SELECT 1');
  }
}
