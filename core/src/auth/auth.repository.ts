import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { Clock } from '../common/clock';
import type { ModelObject } from 'objection';
import { TokenModel, UserModel } from './auth.models';

export type UserRow = ModelObject<UserModel>;
export type TokenRow = ModelObject<TokenModel>;

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
    user: Pick<UserModel, 'id' | 'email' | 'passwordHash' | 'displayName'> & { isBot?: boolean },
  ): Promise<UserModel> {
    return await UserModel.query(this.db.conn).insert(user).returning('*');
  }

  /** Gives an import's placeholder account (never a deactivated one) its owner's password and name. */
  async claimPlaceholder(
    email: string,
    passwordHash: string,
    displayName: string,
  ): Promise<UserModel | undefined> {
    const [user] = await UserModel.query(this.db.conn)
      .patch({ passwordHash, displayName, placeholder: false })
      .whereRaw('lower(email) = lower(?)', [email])
      .where({ placeholder: true })
      .whereNull('passwordHash')
      .whereNull('deactivatedAt')
      .returning('*');
    return user;
  }

  /** An account signed in to (through SSO) is no longer an import's placeholder. */
  async clearPlaceholder(userId: string): Promise<void> {
    await UserModel.query(this.db.conn)
      .patch({ placeholder: false })
      .where({ id: userId, placeholder: true });
  }

  async findUserByEmail(email: string): Promise<UserModel | undefined> {
    return await UserModel.query(this.db.conn).whereRaw('lower(email) = lower(?)', [email]).first();
  }

  async findUserById(id: string): Promise<UserModel | undefined> {
    return await UserModel.query(this.db.conn).findById(id);
  }

  /**
   * What a user's view shows, for GET /me on every page load: a statement PostgreSQL keeps prepared, without
   * the model layer's per-call query building (objection and knex: 15% of the server's CPU under GET /me load).
   * Rows keep their column names: aliased to the model's.
   */
  async findUserViewFields(
    id: string,
  ): Promise<Pick<UserModel, 'id' | 'email' | 'displayName' | 'avatarVersion' | 'createdAt'> | undefined> {
    const rows = await this.db.query<
      Pick<UserModel, 'id' | 'email' | 'displayName' | 'avatarVersion' | 'createdAt'>
    >(
      'user-view-fields',
      `SELECT id, email, display_name AS "displayName", avatar_version AS "avatarVersion", created_at AS "createdAt"
       FROM users WHERE id = ?`,
      [id],
    );
    return rows[0];
  }

  async insertToken(
    token: Pick<TokenModel, 'id' | 'userId' | 'kind' | 'name' | 'tokenHash' | 'expiresAt'> &
      Partial<Pick<TokenModel, 'installId' | 'scopes'>>,
  ) {
    return await TokenModel.query(this.db.conn).insert(token).returning('*');
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
        (Pick<TokenModel, 'id' | 'userId' | 'kind' | 'expiresAt' | 'scopes'> & { isBot: boolean }) | undefined
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

  async listTokens(userId: string, kind: string): Promise<TokenModel[]> {
    return await TokenModel.query(this.db.conn)
      .where({ userId, kind })
      .whereNull('revokedAt')
      .whereRaw('(expires_at IS NULL OR expires_at > now())')
      .orderBy('createdAt', 'desc');
  }

  /** Returns whether a live token of this user was revoked. */
  async revokeToken(userId: string, tokenId: string, kind?: string): Promise<boolean> {
    const query = TokenModel.query(this.db.conn)
      .patch({ revokedAt: this.clock.date() })
      .where({ id: tokenId, userId })
      .whereNull('revokedAt');
    if (kind) void query.where({ kind });
    return (await query) > 0;
  }

  /** Revokes every live session of a user but `keepTokenId`'s; returns those revoked. */
  async revokeSessions(userId: string, keepTokenId?: string): Promise<{ id: string; userId: string }[]> {
    const query = TokenModel.query(this.db.conn)
      .patch({ revokedAt: this.clock.date() })
      .where({ userId, kind: 'session' })
      .whereNull('revokedAt');
    if (keepTokenId) void query.whereNot({ id: keepTokenId });
    return await query.returning(['id', 'userId']);
  }

  async installOfToken(tokenId: string): Promise<string | null> {
    const row = await TokenModel.query(this.db.conn).findById(tokenId).select('installId');
    return row?.installId ?? null;
  }

  /** Revokes every live token of an app install at once; returns them (their sockets close on every instance). */
  async revokeInstallTokens(installId: string): Promise<{ id: string; userId: string }[]> {
    return await TokenModel.query(this.db.conn)
      .patch({ revokedAt: this.clock.date() })
      .where({ installId })
      .whereNull('revokedAt')
      .returning(['id', 'userId']);
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

  async findUserBySsoSubject(subject: string): Promise<UserModel | undefined> {
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
