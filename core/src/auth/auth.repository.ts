import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { Clock } from '../common/clock';
import type { TokenRow, UserRow } from './auth.rows';

export type { TokenRow, UserRow };

export interface ActiveToken {
  tokenId: string;
  userId: string;
  isBot: boolean;
  kind: string;
  expiresAt: Date | null;
  scopes: string[] | null;
}

@Injectable()
export class AuthRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async createUser(
    user: Pick<UserRow, 'id' | 'email' | 'passwordHash' | 'displayName'> & { isBot?: boolean },
  ): Promise<UserRow> {
    const [created] = await this.db.conn<UserRow>('users').insert(user).returning('*');
    return created;
  }

  /** Gives an import's placeholder account (never a deactivated one) its owner's password and name. */
  async claimPlaceholder(
    email: string,
    passwordHash: string,
    displayName: string,
  ): Promise<UserRow | undefined> {
    const [user] = await this.db
      .conn<UserRow>('users')
      .update({ passwordHash, displayName, placeholder: false })
      .whereRaw('lower(email) = lower(?)', [email])
      .where({ placeholder: true })
      .whereNull('passwordHash')
      .whereNull('deactivatedAt')
      .returning('*');
    return user;
  }

  /** An account signed in to (through SSO) is no longer an import's placeholder. */
  async clearPlaceholder(userId: string): Promise<void> {
    await this.db.conn('users').update({ placeholder: false }).where({ id: userId, placeholder: true });
  }

  async findUserByEmail(email: string): Promise<UserRow | undefined> {
    return await this.db.conn<UserRow>('users').whereRaw('lower(email) = lower(?)', [email]).first();
  }

  async findUserById(id: string): Promise<UserRow | undefined> {
    return await this.db.conn<UserRow>('users').where({ id }).first();
  }

  /**
   * What a user's view shows, for GET /me on every page load: a statement PostgreSQL keeps prepared, without
   * knex's per-call query building (it and objection's took 15% of the server's CPU under GET /me load).
   * Rows keep their column names: aliased to the row type's.
   */
  async findUserViewFields(
    id: string,
  ): Promise<Pick<UserRow, 'id' | 'email' | 'displayName' | 'avatarVersion' | 'createdAt'> | undefined> {
    const rows = await this.db.query<
      Pick<UserRow, 'id' | 'email' | 'displayName' | 'avatarVersion' | 'createdAt'>
    >(
      'user-view-fields',
      `SELECT id, email, display_name AS "displayName", avatar_version AS "avatarVersion", created_at AS "createdAt"
       FROM users WHERE id = ?`,
      [id],
    );
    return rows[0];
  }

  async insertToken(
    token: Pick<TokenRow, 'id' | 'userId' | 'kind' | 'name' | 'tokenHash' | 'expiresAt'> &
      Partial<Pick<TokenRow, 'installId' | 'scopes'>>,
  ): Promise<TokenRow> {
    const [created] = await this.db.conn<TokenRow>('tokens').insert(token).returning('*');
    return created;
  }

  /** A token counts only while it is neither revoked nor expired; checked on every request. */
  findActiveToken(hash: Buffer): Promise<ActiveToken | undefined> {
    return this.findActive('tokenHash', hash);
  }

  findActiveTokenById(id: string): Promise<ActiveToken | undefined> {
    return this.findActive('id', id);
  }

  private async findActive(
    column: 'tokenHash' | 'id',
    value: Buffer | string,
  ): Promise<ActiveToken | undefined> {
    // The user's bot flag rides along: posting needs it, and the token's context is cached (AuthCache).
    const row = await this.db
      .conn('tokens')
      .join('users', 'users.id', 'tokens.userId')
      .where(`tokens.${column}`, value)
      .whereNull('tokens.revokedAt')
      .whereRaw('(tokens.expires_at IS NULL OR tokens.expires_at > now())')
      .first<
        (Pick<TokenRow, 'id' | 'userId' | 'kind' | 'expiresAt' | 'scopes'> & { isBot: boolean }) | undefined
      >('tokens.id', 'tokens.userId', 'users.isBot', 'tokens.kind', 'tokens.expiresAt', 'tokens.scopes');
    return (
      row && {
        tokenId: row.id,
        userId: row.userId,
        isBot: row.isBot,
        kind: row.kind,
        expiresAt: row.expiresAt,
        scopes: row.scopes,
      }
    );
  }

  async listTokens(userId: string, kind: string): Promise<TokenRow[]> {
    return await this.db
      .conn<TokenRow>('tokens')
      .where({ userId, kind })
      .whereNull('revokedAt')
      .whereRaw('(expires_at IS NULL OR expires_at > now())')
      .orderBy('createdAt', 'desc');
  }

  /** Returns whether a live token of this user was revoked. */
  async revokeToken(userId: string, tokenId: string, kind?: string): Promise<boolean> {
    const query = this.db
      .conn('tokens')
      .update({ revokedAt: this.clock.date() })
      .where({ id: tokenId, userId })
      .whereNull('revokedAt');
    if (kind) void query.where({ kind });
    return (await query) > 0;
  }

  /** Revokes every live session of a user but `keepTokenId`'s; returns those revoked. */
  async revokeSessions(userId: string, keepTokenId?: string): Promise<{ id: string; userId: string }[]> {
    const query = this.db
      .conn('tokens')
      .update({ revokedAt: this.clock.date() })
      .where({ userId, kind: 'session' })
      .whereNull('revokedAt');
    if (keepTokenId) void query.whereNot({ id: keepTokenId });
    return await query.returning<{ id: string; userId: string }[]>(['id', 'userId']);
  }

  async installOfToken(tokenId: string): Promise<string | null> {
    const row = await this.db
      .conn('tokens')
      .where({ id: tokenId })
      .first<Pick<TokenRow, 'installId'> | undefined>('installId');
    return row?.installId ?? null;
  }

  /** Revokes every live token of an app install at once; returns them (their sockets close on every instance). */
  async revokeInstallTokens(installId: string): Promise<{ id: string; userId: string }[]> {
    return await this.db
      .conn('tokens')
      .update({ revokedAt: this.clock.date() })
      .where({ installId })
      .whereNull('revokedAt')
      .returning<{ id: string; userId: string }[]>(['id', 'userId']);
  }

  async saveSsoState(stateHash: Buffer, codeVerifier: string, expiresAt: Date): Promise<void> {
    await this.db.conn('ssoStates').insert({ stateHash, codeVerifier, expiresAt });
  }

  /** Takes a login's state once: its PKCE verifier, or undefined when unknown, used or expired. */
  async takeSsoState(stateHash: Buffer): Promise<string | undefined> {
    const [row] = await this.db
      .conn('ssoStates')
      .where({ stateHash })
      .delete()
      .returning<{ codeVerifier: string; expiresAt: Date }[]>(['codeVerifier', 'expiresAt']);
    return row && row.expiresAt > this.clock.date() ? row.codeVerifier : undefined;
  }

  async findUserBySsoSubject(subject: string): Promise<UserRow | undefined> {
    const row = await this.db
      .conn('ssoIdentities')
      .where({ subject })
      .first<{ userId: string } | undefined>('userId');
    return row ? await this.findUserById(row.userId) : undefined;
  }

  async linkSsoIdentity(subject: string, userId: string): Promise<void> {
    await this.db.conn('ssoIdentities').insert({ subject, userId }).onConflict('subject').ignore();
  }
}
