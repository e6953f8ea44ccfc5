import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';

export interface CallRow {
  id: string;
  workspaceId: string;
  channelId: string;
  startedBy: string;
  startedAt: Date;
  endedAt: Date | null;
}

/** The only access to calls and their participants. */
@Injectable()
export class CallsRepository {
  constructor(private readonly db: Database) {}

  /** Inside a transaction: the channel's running call, locked against concurrent joins and leaves. */
  async runningInChannel(channelId: string): Promise<CallRow | undefined> {
    return await this.db
      .conn('calls')
      .where({ channelId })
      .whereNull('endedAt')
      .forUpdate()
      .first<CallRow | undefined>();
  }

  async findRunning(callId: string): Promise<CallRow | undefined> {
    return await this.db
      .conn('calls')
      .where({ id: callId })
      .whereNull('endedAt')
      .forUpdate()
      .first<CallRow | undefined>();
  }

  /** Starts a call; undefined when another one started in the channel meanwhile. */
  async start(
    row: Pick<CallRow, 'id' | 'workspaceId' | 'channelId' | 'startedBy'>,
  ): Promise<CallRow | undefined> {
    const { rows } = await this.db.conn.raw<{ rows: Record<string, unknown>[] }>(
      `INSERT INTO calls (id, workspace_id, channel_id, started_by) VALUES (?, ?, ?, ?)
       ON CONFLICT (channel_id) WHERE ended_at IS NULL DO NOTHING RETURNING id`,
      [row.id, row.workspaceId, row.channelId, row.startedBy],
    );
    return rows.length > 0 ? await this.findRunning(row.id) : undefined;
  }

  async end(callId: string, at: Date): Promise<void> {
    await this.db.conn('calls').where({ id: callId }).update({ endedAt: at });
  }

  async participants(callId: string): Promise<string[]> {
    const rows = await this.db
      .conn('callParticipants')
      .where({ callId })
      .whereNull('leftAt')
      .orderBy('joinedAt')
      .select<{ userId: string }[]>('userId');
    return rows.map((row) => row.userId);
  }

  async join(callId: string, userId: string, at: Date): Promise<void> {
    await this.db
      .conn('callParticipants')
      .insert({ callId, userId, joinedAt: at, leftAt: null })
      .onConflict(['callId', 'userId'])
      .merge({ joinedAt: at, leftAt: null });
  }

  /** Returns whether the user was in the call. */
  async leave(callId: string, userId: string, at: Date): Promise<boolean> {
    return (
      (await this.db
        .conn('callParticipants')
        .where({ callId, userId })
        .whereNull('leftAt')
        .update({ leftAt: at })) > 0
    );
  }

  /** Everyone in a running call who joined before the given time. */
  async joinedBefore(before: Date): Promise<{ callId: string; userId: string }[]> {
    return await this.db
      .conn('callParticipants as p')
      .join('calls as c', 'c.id', 'p.callId')
      .whereNull('c.endedAt')
      .whereNull('p.leftAt')
      .where('p.joinedAt', '<', before)
      .select<{ callId: string; userId: string }[]>('p.callId', 'p.userId');
  }

  /** The participants of a running call; nobody when it has ended or does not exist. */
  async runningParticipants(callId: string): Promise<string[]> {
    const rows = await this.db
      .conn('callParticipants as p')
      .join('calls as c', 'c.id', 'p.callId')
      .where('p.callId', callId)
      .whereNull('c.endedAt')
      .whereNull('p.leftAt')
      .select<{ userId: string }[]>('p.userId');
    return rows.map((row) => row.userId);
  }
}
