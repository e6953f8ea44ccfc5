import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { AuthContext } from '../common/auth-context';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { badRequest, conflict, forbidden, notFound, unauthorized } from '../common/problem';
import { Database } from '../database/database';
import { avatarUrl } from '../profiles/profiles.schemas';
import { isUniqueViolation } from '../database/errors';
import { EventsRepository } from '../events/events.repository';
import { Limit, RateLimiter, throwIfExceeded } from '../rate-limits/rate-limiter';
import { AuthCache } from './auth-cache';
import { ActiveToken, AuthRepository } from './auth.repository';
import type { TokenRow, UserRow } from './auth.repository';
import { AuthProvidersView, MeView, PersonalTokenView, SessionView, UserView } from './auth.schemas';
import { hashPassword, verifyPassword } from './password-hash';
import { generateToken, hashToken, TokenKind } from './tokens';

export const toUserView = (
  user: Pick<UserRow, 'id' | 'email' | 'displayName' | 'avatarVersion' | 'createdAt'>,
): UserView => ({
  id: user.id,
  email: user.email,
  displayName: user.displayName,
  avatarUrl: avatarUrl(user.id, user.avatarVersion),
  createdAt: user.createdAt.toISOString(),
});

/** How long an SSO login may take between leaving for the provider and coming back. */
const SSO_STATE_TTL_MS = 10 * 60_000;

const toAuthContext = (token: ActiveToken | undefined): AuthContext | undefined =>
  token && {
    userId: token.userId,
    isBot: token.isBot,
    tokenId: token.tokenId,
    tokenKind: token.kind,
    expiresAt: token.expiresAt,
    scopes: token.scopes,
  };

const toTokenView = (token: TokenRow): PersonalTokenView => ({
  id: token.id,
  name: token.name,
  scopes: token.scopes,
  expiresAt: token.expiresAt?.toISOString() ?? null,
  createdAt: token.createdAt.toISOString(),
});

/** The limits one login attempt counts toward (see AuthService.admitLogin). */
interface LoginLimits {
  client: Limit;
  address: Limit;
  account: Limit;
  /** Hit by each successful login: the address stays known to the account for the window. */
  knownClient: Limit;
}

function loginLimits(config: AppConfig, email: string, clientAddress: string): LoginLimits {
  const account = email.toLowerCase();
  const windowSeconds = config.loginWindowSeconds;
  return {
    client: { key: `login-client:${account}:${clientAddress}`, max: config.loginMaxFailures, windowSeconds },
    address: { key: `login-address:${clientAddress}`, max: config.loginAddressMaxFailures, windowSeconds },
    account: { key: `login-account:${account}`, max: config.loginAccountMaxFailures, windowSeconds },
    knownClient: {
      key: `login-known:${account}:${clientAddress}`,
      max: Number.MAX_SAFE_INTEGER,
      windowSeconds: config.loginKnownClientDays * 86_400,
    },
  };
}

@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so a miss costs as much time as a wrong password. */
  private readonly decoyHash = hashPassword('decoy password that never matches');

  constructor(
    private readonly db: Database,
    private readonly events: EventsRepository,
    private readonly repository: AuthRepository,
    private readonly cache: AuthCache,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Keeps an SSO login's PKCE verifier (Passport's `state: true` needs sessions this server does not have) and
   * answers the state that will take it back, once, when the provider sends the person back.
   */
  async startSsoLogin(codeVerifier: string): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    await this.repository.saveSsoState(
      hashToken(state),
      codeVerifier,
      new Date(this.clock.now() + SSO_STATE_TTL_MS),
    );
    return state;
  }

  /** The verifier of the login that `state` started, or undefined when unknown, expired or already taken. */
  async finishSsoLogin(state: string): Promise<string | undefined> {
    return this.repository.takeSsoState(hashToken(state));
  }

  /** What the sign-in page may offer besides email and password. */
  providers(): AuthProvidersView {
    return { sso: this.config.sso !== undefined, passwordReset: this.config.smtpUrl !== undefined };
  }

  async register(
    email: string,
    password: string,
    displayName: string,
    clientAddress: string,
  ): Promise<SessionView> {
    const { registerMaxPerAddress: max, registerWindowSeconds: windowSeconds } = this.config;
    await this.limiter.enforce({ key: `register:${clientAddress}`, max, windowSeconds });
    const passwordHash = await hashPassword(password);
    try {
      const user = await this.repository.createUser({
        id: newId(),
        email,
        passwordHash,
        displayName: displayName.trim(),
      });
      return { user: toUserView(user), token: await this.issue(user.id, 'session', null) };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // A placeholder made by a Slack import for this email: the person claims it, with its history.
    const claimed = await this.repository.claimPlaceholder(email, passwordHash, displayName.trim());
    if (!claimed) throw conflict('An account with this email already exists');
    return { user: toUserView(claimed), token: await this.issue(claimed.id, 'session', null) };
  }

  async login(email: string, password: string, clientAddress: string): Promise<SessionView> {
    const limits = loginLimits(this.config, email, clientAddress);
    await this.admitLogin(limits);
    const user = await this.repository.findUserByEmail(email);
    const valid = user?.passwordHash
      ? await verifyPassword(user.passwordHash, password)
      : await verifyPassword(await this.decoyHash, password).then(() => false);
    if (!user || !valid) {
      // On its own: a refused attempt changes nothing else to commit with.
      await this.audit.record({
        action: 'login.failed',
        workspaceId: null,
        actorUserId: user?.id ?? null,
        target: user ? { kind: 'user', id: user.id } : { kind: 'email', id: email.toLowerCase() },
        summary: { method: 'password' },
      });
      throw unauthorized('The email or password is wrong');
    }
    // A success is no failure: it gives its attempt back and makes this address known to the account.
    await this.limiter.clear([limits.client.key]);
    await this.limiter.refund([limits.address.key, limits.account.key]);
    await this.limiter.consume([limits.knownClient]);
    return { user: toUserView(user), token: await this.startSession(user.id, 'password') };
  }

  /**
   * Login attempts count before the password is checked, each with one atomic upsert, so concurrent
   * attempts can never get past a limit. Keyed per email and address first: a stranger's failures from
   * elsewhere never lock the owner's own address out. The per-address ceiling stops spraying many emails;
   * the per-email ceiling stops guessing from many addresses, except from addresses that signed in to the
   * account before. Attempts refused by the first limit count toward no other.
   */
  private async admitLogin(limits: LoginLimits): Promise<void> {
    await this.limiter.enforce(limits.client);
    const [address, account] = await this.limiter.consume([limits.address, limits.account]);
    const refused = [address];
    if (account.exceeded && !(await this.limiter.isActive(limits.knownClient.key))) refused.push(account);
    throwIfExceeded(refused);
  }

  async logout(auth: AuthContext): Promise<void> {
    await this.db.transaction(async () => {
      if (!(await this.revoke(auth.userId, auth.tokenId))) return;
      await this.audit.record({
        action: 'session.ended',
        workspaceId: null,
        target: { kind: 'token', id: auth.tokenId },
        summary: { kind: auth.tokenKind, by: 'logout' },
      });
    });
  }

  /**
   * Who the token authenticates: from this instance's cache when it knows the token (see AuthCache), unless
   * `fresh` asks for the database's answer.
   */
  authenticate(rawToken: string, fresh = false): Promise<AuthContext | undefined> {
    return this.authenticateHash(hashToken(rawToken), fresh);
  }

  /** As `authenticate`, for a token already hashed (see bearerTokenHash). */
  async authenticateHash(tokenHash: Buffer, fresh = false): Promise<AuthContext | undefined> {
    const auth = await this.cache.resolve(
      tokenHash,
      async (hash) => toAuthContext(await this.repository.findActiveToken(hash)),
      fresh,
    );
    return this.unexpired(auth);
  }

  /** The live token with this id (a realtime ticket names the token it was issued under). */
  async authenticateTokenId(tokenId: string): Promise<AuthContext | undefined> {
    return this.unexpired(toAuthContext(await this.repository.findActiveTokenById(tokenId)));
  }

  /** A cached token may have expired since it was read: never served past its expiry by the server's clock. */
  private unexpired(auth: AuthContext | undefined): AuthContext | undefined {
    return auth && (!auth.expiresAt || auth.expiresAt.getTime() > this.clock.now()) ? auth : undefined;
  }

  /**
   * A bot account (plugin installs, incoming webhooks): no password, so it can never log in; it acts only
   * through what created it. `kind` and `id` make its never-deliverable address unique.
   */
  async createBot(displayName: string, kind: string, id: string): Promise<UserView> {
    const user = await this.repository.createUser({
      id: newId(),
      email: `${kind}.${id}@bots.jokkaer.invalid`,
      passwordHash: null,
      displayName,
      isBot: true,
    });
    return toUserView(user);
  }

  /**
   * Signs in a person the identity provider vouched for: the account already linked to their subject, else
   * the account with their email — only if the provider verified that email — else a new account.
   */
  async ssoSignIn(identity: { subject: string; email?: string; emailVerified: boolean; name?: string }) {
    const linked = await this.repository.findUserBySsoSubject(identity.subject);
    if (linked) return { user: toUserView(linked), token: await this.startSession(linked.id, 'sso') };
    if (!identity.email || !identity.emailVerified) {
      throw forbidden(
        'The identity provider did not vouch for an email address; the account cannot be linked',
      );
    }
    const email = identity.email;
    return await this.db.transaction(async () => {
      const user =
        (await this.repository.findUserByEmail(email)) ??
        (await this.repository.createUser({
          id: newId(),
          email,
          passwordHash: null,
          displayName: (identity.name ?? email.split('@')[0]).trim().slice(0, 80) || email,
        }));
      await this.repository.linkSsoIdentity(identity.subject, user.id);
      await this.repository.clearPlaceholder(user.id);
      await this.audit.record({
        action: 'sso.linked',
        workspaceId: null,
        actorUserId: user.id,
        target: { kind: 'user', id: user.id },
        summary: { subject: identity.subject },
      });
      return { user: toUserView(user), token: await this.startSession(user.id, 'sso') };
    });
  }

  async me(userId: string): Promise<MeView> {
    const user = await this.repository.findUserViewFields(userId);
    if (!user) throw unauthorized();
    return { ...toUserView(user), instanceAdmin: this.isInstanceAdmin(user.email) };
  }

  async createPersonalToken(userId: string, name: string, expiresAt?: string, scopes?: string[]) {
    if (expiresAt && new Date(expiresAt).getTime() <= this.clock.now()) {
      throw badRequest('The token would already be expired', [
        { path: 'expiresAt', message: 'must be in the future' },
      ]);
    }
    const { raw, hash: tokenHash } = generateToken('personal');
    const token = await this.db.transaction(async () => {
      const created = await this.repository.insertToken({
        id: newId(),
        userId,
        kind: 'personal',
        name,
        tokenHash,
        expiresAt: expiresAt ? new Date(expiresAt) : null,
        scopes: scopes ?? null,
      });
      await this.audit.record({
        action: 'token.created',
        workspaceId: null,
        target: { kind: 'token', id: created.id },
        summary: { kind: 'personal', name, scopes: scopes ?? null, expiresAt: expiresAt ?? null },
      });
      return created;
    });
    return { ...toTokenView(token), token: raw };
  }

  async listPersonalTokens(userId: string): Promise<{ items: PersonalTokenView[] }> {
    const tokens = await this.repository.listTokens(userId, 'personal');
    return { items: tokens.map(toTokenView) };
  }

  async revokePersonalToken(userId: string, tokenId: string): Promise<void> {
    await this.db.transaction(async () => {
      if (!(await this.revoke(userId, tokenId, 'personal'))) throw notFound('Token');
      await this.audit.record({
        action: 'token.revoked',
        workspaceId: null,
        target: { kind: 'token', id: tokenId },
        summary: { kind: 'personal' },
      });
    });
  }

  /** A new session, recorded as a sign-in in the same transaction. */
  private startSession(userId: string, method: 'password' | 'sso'): Promise<string> {
    return this.db.transaction(async () => {
      const token = await this.issue(userId, 'session', null);
      await this.audit.record({
        action: 'login.succeeded',
        workspaceId: null,
        actorUserId: userId,
        target: { kind: 'user', id: userId },
        summary: { method },
      });
      return token;
    });
  }

  /** Revokes at once for requests; the event closes sockets opened with the token on every instance. */
  private revoke(userId: string, tokenId: string, kind?: string): Promise<boolean> {
    return this.db.transaction(async () => {
      const revoked = await this.repository.revokeToken(userId, tokenId, kind);
      if (revoked) await this.events.append('token.revoked', { userId, tokenId });
      return revoked;
    });
  }

  /** A bot token for an app install, limited to the scopes the install was granted. */
  issueBotToken(botUserId: string, installId: string, scopes: string[]): Promise<string> {
    return this.issue(botUserId, 'bot', null, { installId, scopes });
  }

  /** Stores a bot token generated elsewhere (the OAuth server asks for the string first), with its expiry. */
  async saveBotToken(raw: string, botUserId: string, installId: string, scopes: string[], expiresAt: Date) {
    await this.repository.insertToken({
      id: newId(),
      userId: botUserId,
      kind: 'bot',
      name: null,
      tokenHash: hashToken(raw),
      expiresAt,
      installId,
      scopes,
    });
  }

  /** Revokes one live bot token of an install (RFC 7009 revocation); false when there is none. */
  async revokeBotToken(raw: string, installIds: string[]): Promise<boolean> {
    const token = await this.repository.findActiveToken(hashToken(raw));
    if (!token || token.kind !== 'bot') return false;
    const owner = await this.repository.installOfToken(token.tokenId);
    if (!owner || !installIds.includes(owner)) return false;
    return await this.db.transaction(async () => {
      if (!(await this.revoke(token.userId, token.tokenId, 'bot'))) return false;
      await this.audit.record({
        action: 'token.revoked',
        workspaceId: null,
        actorUserId: token.userId,
        target: { kind: 'token', id: token.tokenId },
        summary: { kind: 'bot', installId: owner },
      });
      return true;
    });
  }

  /** Revokes every token of an app install; inside the caller's transaction, with events for open sockets. */
  async revokeInstallTokens(installId: string): Promise<void> {
    await this.announceRevoked(await this.repository.revokeInstallTokens(installId));
  }

  /**
   * Ends a user's sessions but `keepTokenId`'s; inside the caller's transaction, with events for open sockets.
   * How many it ended, for the caller's audit entry.
   */
  async revokeSessions(userId: string, keepTokenId?: string): Promise<number> {
    const revoked = await this.repository.revokeSessions(userId, keepTokenId);
    await this.announceRevoked(revoked);
    return revoked.length;
  }

  private async announceRevoked(tokens: { id: string; userId: string }[]): Promise<void> {
    for (const token of tokens) {
      await this.events.append('token.revoked', { userId: token.userId, tokenId: token.id });
    }
  }

  /** Throws 403 unless the user is an instance admin (INSTANCE_ADMIN_EMAILS); `may` says what they may do. */
  async assertInstanceAdmin(userId: string, may: string): Promise<void> {
    const user = await this.repository.findUserById(userId);
    if (!user || !this.isInstanceAdmin(user.email)) {
      throw forbidden(`Only instance admins may ${may}`);
    }
  }

  private isInstanceAdmin(email: string): boolean {
    return this.config.instanceAdminEmails.includes(email.toLowerCase());
  }

  private async issue(
    userId: string,
    kind: TokenKind,
    name: string | null,
    app?: { installId: string; scopes: string[] },
  ): Promise<string> {
    const { raw, hash: tokenHash } = generateToken(kind);
    const expiresAt =
      kind === 'session' ? new Date(this.clock.now() + this.config.sessionTtlHours * 3_600_000) : null;
    await this.repository.insertToken({ id: newId(), userId, kind, name, tokenHash, expiresAt, ...app });
    return raw;
  }
}
