import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';

@Injectable()
export class PasswordsRepository {
  constructor(private readonly db: Database) {}

  /** Null leaves the account without a password: no one can log in with one until it is reset. */
  async setPasswordHash(userId: string, passwordHash: string | null): Promise<void> {
    await this.db.conn('users').where({ id: userId }).update({ passwordHash });
  }

  /**
   * Stores a reset link unless the account already has `maxLive` unexpired ones (so nobody can flood an
   * inbox); false then. The account row is locked, so concurrent requests cannot pass the cap together.
   */
  async insertReset(
    reset: { tokenHash: Buffer; userId: string; expiresAt: Date },
    now: Date,
    maxLive: number,
  ): Promise<boolean> {
    return await this.db.transaction(async () => {
      await this.db.conn('users').where({ id: reset.userId }).forUpdate().first('id');
      await this.db
        .conn('passwordResets')
        .where({ userId: reset.userId })
        .where('expiresAt', '<=', now)
        .delete();
      const live = await this.db
        .conn('passwordResets')
        .where({ userId: reset.userId })
        .count<{ count: string }[]>({ count: '*' });
      if (Number(live[0].count) >= maxLive) return false;
      await this.db.conn('passwordResets').insert(reset);
      return true;
    });
  }

  /** Takes a reset link once: its account, or undefined when unknown, used or expired. */
  async takeReset(tokenHash: Buffer, now: Date): Promise<string | undefined> {
    const [row] = await this.db
      .conn('passwordResets')
      .where({ tokenHash })
      .delete()
      .returning<{ userId: string; expiresAt: Date }[]>(['userId', 'expiresAt']);
    return row && row.expiresAt > now ? row.userId : undefined;
  }

  /** Voids every reset link of an account (its password was just set). */
  async deleteResets(userId: string): Promise<void> {
    await this.db.conn('passwordResets').where({ userId }).delete();
  }
}
