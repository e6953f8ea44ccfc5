import { Injectable } from '@nestjs/common';
import { Client, Notification } from 'pg';
import { Database } from '../database/database';

/** A connection that listens, until closed. */
export interface Listening {
  close(): Promise<void>;
}

export interface ListenHandlers {
  notification(channel: string, payload: string | undefined): void;
  error(error: Error): void;
  /** The connection ended while listening (never after `close()`). */
  ended(): void;
}

/**
 * The application name of an instance's listening connection, followed by the instance's id: how instances on
 * one database see one another (pg_stat_activity shows every session's application name to every role).
 */
const LISTENER_NAME = 'jokkaer-listener';

/** PostgreSQL's LISTEN/NOTIFY, for the cluster transport. */
@Injectable()
export class NotifyRepository {
  constructor(private readonly db: Database) {}

  /**
   * One NOTIFY per payload on `channel`, in order, all in one prepared statement; never in a transaction (its
   * notify lock would be held through the commit).
   */
  async notify(channel: string, payloads: string[]): Promise<void> {
    await this.db.outsideTransaction(() =>
      this.db.query(
        'notify',
        `SELECT pg_notify(?, payload) FROM unnest(?::text[]) WITH ORDINALITY AS sent(payload, position)
         ORDER BY position`,
        [channel, payloads],
      ),
    );
  }

  /** Whether an instance other than `instanceId` listens on this database (see listen). */
  async otherListeners(instanceId: string): Promise<boolean> {
    const [row] = await this.db.query<{ found: boolean }>(
      'other-listeners',
      `SELECT EXISTS (
         SELECT FROM pg_stat_activity
         WHERE datname = current_database() AND starts_with(application_name, ?) AND application_name <> ?
       ) AS found`,
      [`${LISTENER_NAME} `, `${LISTENER_NAME} ${instanceId}`],
    );
    return row.found;
  }

  /**
   * LISTENs on `channels` over a dedicated connection (a pooled one would be handed to others), named for
   * `instanceId` so that other instances know it listens. Bounded by `timeoutMs`, so a database that accepts and
   * never answers cannot stall the caller forever.
   */
  async listen(
    channels: string[],
    instanceId: string,
    timeoutMs: number,
    handlers: ListenHandlers,
  ): Promise<Listening> {
    const client = new Client({
      connectionString: this.db.url,
      application_name: `${LISTENER_NAME} ${instanceId}`,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    let listening = false;
    client.on('notification', (message: Notification) =>
      handlers.notification(message.channel, message.payload),
    );
    client.on('error', (error) => handlers.error(error));
    // Only a connection that was listening reports its end; a failed attempt fails its caller instead.
    client.on('end', () => {
      if (listening) handlers.ended();
    });
    try {
      await client.connect();
      for (const channel of channels) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      void client.end().catch(() => undefined); // not awaited: on a silent connection it never finishes
      throw error;
    }
    listening = true;
    return {
      close: async () => {
        listening = false;
        await client.end().catch(() => undefined);
      },
    };
  }
}
