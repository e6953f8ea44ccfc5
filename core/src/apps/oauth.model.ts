import { timingSafeEqual } from 'node:crypto';
import type {
  AuthorizationCode,
  AuthorizationCodeModel,
  Client,
  RefreshToken,
  RefreshTokenModel,
  Token,
  User,
} from '@node-oauth/oauth2-server';
import { AuthService } from '../auth/auth.service';
import { generateToken, hashToken } from '../auth/tokens';
import { newId } from '../common/ids';
import { isStorableText } from '../common/text';
import { Database } from '../database/database';
import { AppsRepository } from './apps.repository';
import { AppsService } from './apps.service';

/** Who an authorization code or refresh token acts for, as the library carries it between model calls. */
interface GrantUser extends User {
  id: string;
  workspaceId: string;
  /** Set when the grant came from a code: the code learns which install it created. */
  codeId?: string;
  /** Set when renewing: the install and the refresh family it belongs to. */
  installId?: string;
  familyId?: string;
}

/**
 * RFC 6749 §2.3.1: Basic credentials are form-encoded first (oauth4webapi encodes even `-` and `_`); the
 * library hands them over as sent. Our ids and secrets never contain `%` or `+`, so decoding is safe.
 */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

const sameHash = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * The storage side of the OAuth 2.0 server (@node-oauth/oauth2-server): clients are apps, codes are single
 * use (a replay revokes everything the first exchange issued), access tokens are the install's bot tokens,
 * refresh tokens rotate, and replaying a rotated-out one revokes its whole family.
 */
export class OAuthModel implements AuthorizationCodeModel, RefreshTokenModel {
  constructor(
    private readonly db: Database,
    private readonly repository: AppsRepository,
    private readonly apps: AppsService,
    private readonly auth: AuthService,
  ) {}

  async getClient(clientId: string, clientSecret: string | null): Promise<Client | null> {
    const id = formDecode(clientId);
    // Basic credentials are decoded here, past the request-wide check: text no client id can hold names none.
    if (!isStorableText(id)) return null;
    const app = await this.repository.findByClientId(id);
    if (!app) return null;
    if (clientSecret !== null && !sameHash(hashToken(formDecode(clientSecret)), app.clientSecretHash))
      return null;
    return {
      id: app.id,
      redirectUris: app.redirectUris,
      grants: ['authorization_code', 'refresh_token'],
      scopes: app.scopes,
    };
  }

  /** What may be granted: what was asked for, within what the app registered (all of it when none asked). */
  validateScope(_user: User, client: Client, scope?: string[]): Promise<string[] | false> {
    const registered = client.scopes as string[];
    if (!scope || scope.length === 0) return Promise.resolve(registered);
    return Promise.resolve(scope.every((item) => registered.includes(item)) ? scope : false);
  }

  generateAuthorizationCode(): Promise<string> {
    return Promise.resolve(generateToken('authorizationCode').raw);
  }

  generateAccessToken(): Promise<string> {
    return Promise.resolve(generateToken('bot').raw);
  }

  generateRefreshToken(): Promise<string> {
    return Promise.resolve(generateToken('refresh').raw);
  }

  async saveAuthorizationCode(
    code: Pick<
      AuthorizationCode,
      'authorizationCode' | 'expiresAt' | 'redirectUri' | 'scope' | 'codeChallenge' | 'codeChallengeMethod'
    >,
    client: Client,
    user: User,
  ): Promise<AuthorizationCode> {
    const grant = user as GrantUser;
    await this.repository.insertCode({
      id: newId(),
      codeHash: hashToken(code.authorizationCode),
      appId: client.id,
      userId: grant.id,
      workspaceId: grant.workspaceId,
      redirectUri: code.redirectUri,
      scopes: code.scope ?? [],
      codeChallenge: code.codeChallenge ?? null,
      codeChallengeMethod: code.codeChallengeMethod ?? null,
      expiresAt: code.expiresAt,
    });
    return { ...code, client, user };
  }

  async getAuthorizationCode(authorizationCode: string): Promise<AuthorizationCode | null> {
    const code = await this.repository.findCode(hashToken(authorizationCode));
    if (!code) return null;
    if (code.usedAt) {
      // A replayed code may be in an attacker's hands: what its first exchange issued stops working.
      if (code.installId) await this.revokeGrantsOf(code.installId);
      return null;
    }
    return {
      authorizationCode,
      expiresAt: code.expiresAt,
      redirectUri: code.redirectUri,
      scope: code.scopes,
      client: { id: code.appId, grants: [] },
      user: { id: code.userId, workspaceId: code.workspaceId, codeId: code.id } satisfies GrantUser,
      ...(code.codeChallenge
        ? { codeChallenge: code.codeChallenge, codeChallengeMethod: code.codeChallengeMethod ?? 'S256' }
        : {}),
    };
  }

  async revokeAuthorizationCode(code: AuthorizationCode): Promise<boolean> {
    const stored = await this.repository.findCode(hashToken(code.authorizationCode));
    return stored ? await this.repository.useCode(stored.id) : false;
  }

  /** A code's exchange installs the app (or updates its install); a renewal keeps the install and family. */
  async saveToken(token: Token, client: Client, user: User): Promise<Token> {
    const grant = user as GrantUser;
    const scopes = token.scope ?? [];
    return await this.db.transaction(async () => {
      const install = grant.installId
        ? await this.repository.findInstallById(grant.installId)
        : await this.apps.installForGrant(client.id, grant.workspaceId, grant.id, scopes);
      if (!install) throw new Error('the install behind this refresh token is gone');
      if (grant.codeId) await this.repository.setCodeInstall(grant.codeId, install.id);
      await this.auth.saveBotToken(
        token.accessToken,
        install.botUserId,
        install.id,
        scopes,
        token.accessTokenExpiresAt as Date,
      );
      if (token.refreshToken) {
        await this.repository.insertRefreshToken({
          id: newId(),
          tokenHash: hashToken(token.refreshToken),
          installId: install.id,
          familyId: grant.familyId ?? newId(),
          scopes,
          expiresAt: token.refreshTokenExpiresAt as Date,
        });
      }
      // Every field returned here beyond the standard ones is sent to the client: not the code it exchanged.
      const { authorizationCode, ...answer } = token;
      return { ...answer, client, user, bot_user_id: install.botUserId, team: { id: install.workspaceId } };
    });
  }

  async getRefreshToken(refreshToken: string): Promise<RefreshToken | null> {
    const stored = await this.repository.findRefreshToken(hashToken(refreshToken));
    if (!stored || stored.revokedAt) return null;
    if (stored.usedAt) {
      // Rotated out and presented again: someone holds a copy. The whole family and its tokens go.
      await this.db.transaction(async () => {
        await this.repository.revokeRefreshFamily(stored.familyId);
        await this.auth.revokeInstallTokens(stored.installId);
      });
      return null;
    }
    const install = await this.repository.findInstallById(stored.installId);
    if (!install) return null;
    return {
      refreshToken,
      refreshTokenExpiresAt: stored.expiresAt,
      scope: stored.scopes,
      client: { id: install.appId, grants: [] },
      user: {
        id: install.installedBy,
        workspaceId: install.workspaceId,
        installId: install.id,
        familyId: stored.familyId,
      } satisfies GrantUser,
    };
  }

  async revokeToken(token: RefreshToken): Promise<boolean> {
    const stored = await this.repository.findRefreshToken(hashToken(token.refreshToken));
    return stored ? await this.repository.useRefreshToken(stored.id) : false;
  }

  /** Access tokens are checked by the API's own guard; the library never authenticates requests here. */
  getAccessToken(): Promise<null> {
    return Promise.resolve(null);
  }

  /** Everything a code or refresh family issued for an install: refresh tokens, then bot tokens. */
  private async revokeGrantsOf(installId: string): Promise<void> {
    await this.db.transaction(async () => {
      await this.repository.revokeInstallRefreshTokens(installId);
      await this.auth.revokeInstallTokens(installId);
    });
  }
}
