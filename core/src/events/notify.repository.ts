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

  /**
   * LISTENs on `channels` over a dedicated connection (a pooled one would be handed to others). Bounded by
   * `timeoutMs`, so a database that accepts and never answers cannot stall the caller forever.
   */
  async listen(channels: string[], timeoutMs: number, handlers: ListenHandlers): Promise<Listening> {
    const client = new Client({
      connectionString: this.db.url,
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
