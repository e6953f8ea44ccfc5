import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { Clock } from '../common/clock';
import type { InstallLimits, InvocationOutcome } from './plugins.schemas';

export interface InstallRow {
  id: string;
  workspaceId: string;
  pluginId: string;
  version: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  limits: InstallLimits;
  allowedHosts: string[];
  botUserId: string;
  disabledReason: string | null;
  cursorSeq: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface InvocationRow {
  id: string;
  kind: string;
  name: string;
  outcome: InvocationOutcome;
  durationMs: number;
  message: string | null;
  createdAt: Date;
}

@Injectable()
export class PluginsRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async listInstalls(workspaceId: string): Promise<InstallRow[]> {
    return await this.db
      .conn('pluginInstalls')
      .where({ workspaceId })
      .orderBy('pluginId')
      .select<InstallRow[]>('*');
  }

  async findInstall(workspaceId: string, pluginId: string): Promise<InstallRow | undefined> {
    return await this.db
      .conn('pluginInstalls')
      .where({ workspaceId, pluginId })
      .first<InstallRow | undefined>('*');
  }

  /** Installs that are off (for the metrics). */
  async disabledInstallCount(): Promise<number> {
    const [row] = await this.db
      .conn('pluginInstalls')
      .where({ enabled: false })
      .count<{ count: string }[]>('*');
    return Number(row?.count ?? 0);
  }

  /** The cursor of the enabled install furthest behind (for the metrics); undefined with none enabled. */
  async oldestEnabledCursor(): Promise<string | undefined> {
    const row = await this.db
      .conn('pluginInstalls')
      .where({ enabled: true })
      .min<{ min: string | null }>('cursorSeq as min')
      .first();
    return row?.min ?? undefined;
  }

  async findInstallById(id: string): Promise<InstallRow | undefined> {
    return await this.db.conn('pluginInstalls').where({ id }).first<InstallRow | undefined>('*');
  }

  async enabledInstalls(workspaceId?: string): Promise<InstallRow[]> {
    const query = this.db.conn('pluginInstalls').where({ enabled: true });
    if (workspaceId) void query.where({ workspaceId });
    return await query.select<InstallRow[]>('*');
  }

  async insertInstall(
    row: Omit<InstallRow, 'createdAt' | 'updatedAt' | 'disabledReason'>,
  ): Promise<InstallRow> {
    const [inserted] = await this.db
      .conn('pluginInstalls')
      .insert({
        ...row,
        settings: JSON.stringify(row.settings),
        limits: JSON.stringify(row.limits),
        allowedHosts: JSON.stringify(row.allowedHosts),
      })
      .returning<InstallRow[]>('*');
    return inserted;
  }

  async updateInstall(
    id: string,
    patch: Partial<
      Pick<InstallRow, 'enabled' | 'settings' | 'limits' | 'allowedHosts' | 'disabledReason' | 'version'>
    >,
  ): Promise<InstallRow> {
    const values: Record<string, unknown> = { ...patch, updatedAt: this.clock.date() };
    if (patch.settings) values.settings = JSON.stringify(patch.settings);
    if (patch.limits) values.limits = JSON.stringify(patch.limits);
    if (patch.allowedHosts) values.allowedHosts = JSON.stringify(patch.allowedHosts);
    const [row] = await this.db
      .conn('pluginInstalls')
      .where({ id })
      .update(values)
      .returning<InstallRow[]>('*');
    return row;
  }

  async deleteInstall(id: string): Promise<void> {
    await this.db.conn('pluginInstalls').where({ id }).delete();
  }

  /**
   * Leases an install for event delivery; undefined when another instance holds a live lease. A lease
   * outlives a crashed holder by at most `seconds`.
   */
  async leaseForDelivery(id: string, owner: string, seconds: number): Promise<InstallRow | undefined> {
    const [row] = await this.db
      .conn('pluginInstalls')
      .where({ id, enabled: true })
      .where(
        (q) =>
          void q
            .whereNull('leasedUntil')
            .orWhere('leasedUntil', '<', this.clock.date())
            .orWhere('leaseOwner', owner),
      )
      .update({ leaseOwner: owner, leasedUntil: new Date(this.clock.now() + seconds * 1000) })
      .returning<InstallRow[]>('*');
    return row;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.db
      .conn('pluginInstalls')
      .where({ id, leaseOwner: owner })
      .update({ leaseOwner: null, leasedUntil: null });
  }

  async advanceCursor(id: string, seq: string): Promise<void> {
    await this.db.conn('pluginInstalls').where({ id }).update({ cursorSeq: seq });
  }

  /**
   * Moves the cursors of enabled installs among `ids` forward to `seq` over events they did not want, in one
   * statement; an install being delivered to right now keeps its own.
   */
  async advanceIdleCursors(ids: string[], seq: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .conn('pluginInstalls')
      .whereIn('id', ids)
      .where({ enabled: true })
      .where('cursorSeq', '<', seq)
      .where((q) => void q.whereNull('leasedUntil').orWhere('leasedUntil', '<', this.clock.date()))
      .update({ cursorSeq: seq });
  }

  async kvGet(installId: string, key: string): Promise<{ value: unknown; version: number } | undefined> {
    return await this.db
      .conn('pluginKv')
      .where({ installId, key })
      .whereRaw('(expires_at IS NULL OR expires_at > now())')
      .first<{ value: unknown; version: number } | undefined>('value', 'version');
  }

  /** Bytes used by live keys other than `exceptKey`. */
  async kvUsage(installId: string, exceptKey: string): Promise<number> {
    const row = await this.db
      .conn('pluginKv')
      .where({ installId })
      .whereNot({ key: exceptKey })
      .whereRaw('(expires_at IS NULL OR expires_at > now())')
      .sum<{ total: string | null }>({ total: 'size' })
      .first();
    return Number(row?.total ?? 0);
  }

  /**
   * Writes a key. With `ifVersion` it writes only when the live key is at that version (null: absent), in one
   * statement, so concurrent writers cannot both win. Returns the new version, or undefined on a conflict.
   */
  async kvSet(
    installId: string,
    key: string,
    json: string,
    expiresAt: Date | null,
    ifVersion: number | null | undefined,
  ): Promise<number | undefined> {
    const live = '(plugin_kv.expires_at IS NULL OR plugin_kv.expires_at > now())';
    const size = Buffer.byteLength(json);
    if (typeof ifVersion === 'number') {
      const { rows } = await this.db.conn.raw<{ rows: { version: number }[] }>(
        `UPDATE plugin_kv SET value = ?::jsonb, size = ?, expires_at = ?, version = version + 1
         WHERE install_id = ? AND key = ? AND version = ? AND ${live} RETURNING version`,
        [json, size, expiresAt, installId, key, ifVersion],
      );
      return rows[0]?.version;
    }
    // Unconditional, or (ifVersion null) only when no live key exists; an expired key counts as absent.
    const { rows } = await this.db.conn.raw<{ rows: { version: number }[] }>(
      `INSERT INTO plugin_kv (install_id, key, value, size, version, expires_at) VALUES (?, ?, ?::jsonb, ?, 1, ?)
       ON CONFLICT (install_id, key) DO UPDATE SET
         value = excluded.value, size = excluded.size, expires_at = excluded.expires_at,
         version = CASE WHEN ${live} THEN plugin_kv.version + 1 ELSE 1 END
       WHERE ${ifVersion === null ? `NOT ${live}` : 'true'}
       RETURNING version`,
      [installId, key, json, size, expiresAt],
    );
    return rows[0]?.version;
  }

  async kvDelete(installId: string, key: string): Promise<boolean> {
    return (await this.db.conn('pluginKv').where({ installId, key }).delete()) > 0;
  }

  async kvList(installId: string, prefix: string): Promise<string[]> {
    const rows = await this.db
      .conn('pluginKv')
      .where({ installId })
      .whereRaw(`key LIKE ? ESCAPE '\\'`, [`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`])
      .whereRaw('(expires_at IS NULL OR expires_at > now())')
      .orderBy('key')
      .limit(1000)
      .select<{ key: string }[]>('key');
    return rows.map((row) => row.key);
  }

  /** Makes the install's schedules those listed, keeping the next run of those whose cron did not change. */
  async syncSchedules(
    installId: string,
    schedules: { name: string; cron: string; nextRunAt: Date }[],
  ): Promise<void> {
    await this.db
      .conn('pluginSchedules')
      .where({ installId })
      .whereNotIn(
        'name',
        schedules.map((schedule) => schedule.name),
      )
      .delete();
    for (const { name, cron, nextRunAt } of schedules) {
      await this.db
        .conn('pluginSchedules')
        .insert({ installId, name, cron, nextRunAt })
        .onConflict(['installId', 'name'])
        .merge(['cron', 'nextRunAt'])
        .whereRaw('plugin_schedules.cron IS DISTINCT FROM excluded.cron');
    }
  }

  /** Due schedules of enabled installs, locked so that one instance runs each occurrence. */
  async claimDueSchedules(
    now: Date,
    limit: number,
  ): Promise<{ installId: string; name: string; cron: string }[]> {
    return await this.db
      .conn('pluginSchedules as s')
      .join('pluginInstalls as i', 'i.id', 's.installId')
      .where('i.enabled', true)
      .where('s.nextRunAt', '<=', now)
      .orderBy('s.nextRunAt')
      .limit(limit)
      .forUpdate('s')
      .skipLocked()
      .select<{ installId: string; name: string; cron: string }[]>('s.installId', 's.name', 's.cron');
  }

  async setNextRun(installId: string, name: string, nextRunAt: Date): Promise<void> {
    await this.db.conn('pluginSchedules').where({ installId, name }).update({ nextRunAt });
  }

  async bundles(): Promise<{ pluginId: string; manifest: unknown; code: string }[]> {
    return await this.db
      .conn('pluginBundles')
      .select<{ pluginId: string; manifest: unknown; code: string }[]>('pluginId', 'manifest', 'code');
  }

  async saveBundle(bundle: {
    pluginId: string;
    version: string;
    manifest: unknown;
    code: string;
    uploadedBy: string;
  }) {
    await this.db
      .conn('pluginBundles')
      .insert({ ...bundle, manifest: JSON.stringify(bundle.manifest), uploadedAt: this.clock.date() })
      .onConflict('pluginId')
      .merge();
  }

  async recordInvocation(row: {
    installId: string;
    kind: string;
    name: string;
    outcome: string;
    durationMs: number;
    message: string | null;
  }) {
    // A log line, not part of the caller's transaction: it stands even if the caller rolls back.
    await this.db.knex('pluginInvocations').insert(row);
  }

  /** The install's latest runs, newest first; only those that ended with `outcome` when given. */
  async listInvocations(
    installId: string,
    limit: number,
    outcome?: InvocationOutcome,
  ): Promise<InvocationRow[]> {
    return await this.db
      .conn('pluginInvocations')
      .where({ installId, ...(outcome ? { outcome } : {}) })
      .orderBy('id', 'desc')
      .limit(limit)
      .select<InvocationRow[]>('id', 'kind', 'name', 'outcome', 'durationMs', 'message', 'createdAt');
  }

  async failuresSince(installId: string, since: Date): Promise<number> {
    const row = await this.db
      .conn('pluginInvocations')
      .where({ installId })
      // `host`: the run failed on the host's side (bad input, its database, its load), not the plugin's.
      .whereNotIn('outcome', ['ok', 'missing', 'host'])
      .where('createdAt', '>', since)
      .count<{ count: string }>({ count: '*' })
      .first();
    return Number(row?.count ?? 0);
  }
}
