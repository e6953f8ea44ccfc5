import { AuditService } from '../audit/audit.service';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthContext } from '../common/auth-context';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { badRequest, conflict, notFound, ProblemException, unauthorized } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { Mailer } from '../mail/mailer';
import { RateLimiter } from '../rate-limits/rate-limiter';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { hashPassword, verifyPassword } from './password-hash';
import { PasswordsRepository } from './passwords.repository';
import { PasswordResetLinkView } from './passwords.schemas';
import { generateToken, hashToken } from './tokens';

/** Unexpired reset links one account may have at once; further requests send nothing. */
const MAX_LIVE_RESET_LINKS = 3;

/**
 * Changing and resetting passwords. Setting a password ends the account's sessions (all of them, or all but
 * the caller's own on a change) and voids its pending reset links; personal access tokens are kept.
 */
@Injectable()
export class PasswordsService {
  constructor(
    private readonly db: Database,
    private readonly auth: AuthService,
    private readonly users: AuthRepository,
    private readonly repository: PasswordsRepository,
    private readonly mailer: Mailer,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async change(auth: AuthContext, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findUserById(auth.userId);
    if (!user) throw unauthorized();
    if (!user.passwordHash) {
      throw conflict('The account has no password; set one with a password reset');
    }
    // A stolen session must not become a way to guess the password: attempts count as logins do.
    const attempts = {
      key: `password-change:${user.id}`,
      max: this.config.loginMaxFailures,
      windowSeconds: this.config.loginWindowSeconds,
    };
    await this.limiter.enforce(attempts);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new ProblemException(403, 'The current password is wrong', [
        { path: 'currentPassword', message: 'is wrong' },
      ]);
    }
    await this.limiter.clear([attempts.key]);
    const passwordHash = await hashPassword(newPassword);
    await this.db.transaction(async () => {
      const sessionsEnded = await this.setPassword(user.id, passwordHash, auth.tokenId);
      await this.audit.record({
        action: 'password.changed',
        workspaceId: null,
        target: { kind: 'user', id: user.id },
        summary: { sessionsEnded },
      });
    });
  }

  /**
   * Mails a reset link if the address is an account's. The answer is the same either way, and the mail is
   * sent after it, so the answer does not wait on the mail server for existing accounts only.
   */
  async requestReset(email: string): Promise<void> {
    // Like SSO routes without SSO: a lasting property of this server, not an outage to retry (so not 503).
    if (!this.mailer.configured) {
      throw new ProblemException(404, 'Password reset by email is not configured on this server (SMTP_URL)');
    }
    const user = await this.users.findUserByEmail(email);
    if (!user || user.isBot) return;
    const link = await this.issueResetLink(user.id, MAX_LIVE_RESET_LINKS);
    if (!link) return;
    const minutes = this.config.passwordResetTtlMinutes;
    const mail = {
      to: user.email,
      subject: 'Reset your Jōkkær password',
      text:
        `Someone (hopefully you) asked to reset the password of the Jōkkær account ${user.email}.\n\n` +
        `Open this link within ${minutes} minutes to choose a new password (it works once):\n\n${link.url}\n\n` +
        'If you did not ask for this, ignore this mail: your password stays as it is.\n',
    };
    this.mailer.send(mail).catch((error: unknown) => {
      this.logger.error({ err: error, userId: user.id }, 'the password reset mail could not be sent');
    });
  }

  /** Sets the password of a reset link's account, once; ends all its sessions. */
  async confirmReset(rawToken: string, newPassword: string): Promise<void> {
    await this.db.transaction(async () => {
      const userId = await this.repository.takeReset(hashToken(rawToken), new Date(this.clock.now()));
      if (!userId) {
        throw badRequest('The password reset link is invalid, used or expired', [
          { path: 'token', message: 'is invalid, used or expired' },
        ]);
      }
      const sessionsEnded = await this.setPassword(userId, await hashPassword(newPassword));
      await this.audit.record({
        action: 'password.reset',
        workspaceId: null,
        actorUserId: userId,
        target: { kind: 'user', id: userId },
        summary: { by: 'link', sessionsEnded },
      });
    });
  }

  /**
   * An instance admin resets someone's password: the old one stops working and every session ends at once,
   * and the admin gets a single-use reset link to hand to the account's owner.
   */
  async adminReset(adminUserId: string, userId: string): Promise<PasswordResetLinkView> {
    await this.auth.assertInstanceAdmin(adminUserId, "reset other people's passwords");
    const user = await this.users.findUserById(userId);
    if (!user) throw notFound('User');
    if (user.isBot) throw conflict('Bots have no password');
    return await this.db.transaction(async () => {
      const sessionsEnded = await this.setPassword(userId, null);
      const link = (await this.issueResetLink(userId))!;
      await this.audit.record({
        action: 'password.reset',
        workspaceId: null,
        target: { kind: 'user', id: userId },
        summary: { by: 'instance admin', sessionsEnded },
      });
      return { userId, ...link };
    });
  }

  /** How many sessions it ended. */
  private async setPassword(userId: string, passwordHash: string | null, keepTokenId?: string) {
    await this.repository.setPasswordHash(userId, passwordHash);
    await this.repository.deleteResets(userId);
    return await this.auth.revokeSessions(userId, keepTokenId);
  }

  /** A new reset link, or undefined when the account already has `maxLive` unexpired ones. */
  private async issueResetLink(userId: string, maxLive = Infinity) {
    const { raw, hash } = generateToken('passwordReset');
    const now = this.clock.now();
    const expiresAt = new Date(now + this.config.passwordResetTtlMinutes * 60_000);
    const stored = await this.repository.insertReset(
      { tokenHash: hash, userId, expiresAt },
      new Date(now),
      maxLive,
    );
    if (!stored) return undefined;
    const url = `${this.config.publicUrl}/reset-password?token=${encodeURIComponent(raw)}`;
    return { token: raw, url, expiresAt: expiresAt.toISOString() };
  }
}
