import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuthService } from '../auth/auth.service';
import { hashToken } from '../auth/tokens';
import type { AuthContext } from '../common/auth-context';
import { EventsRepository, StoredEvent } from '../events/events.repository';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { ViewerScope } from './audience';
import { PresenceService } from './presence.service';
import { RealtimeRepository } from './realtime.repository';
import type { PresenceStatus, TicketView } from './realtime.schemas';
import { Clock } from '../common/clock';

const TICKET_TTL_MS = 60_000;

/**
 * Who may open a socket (a bearer token in the header, or from a browser a single-use ticket), what a socket
 * may be replayed, and a workspace's presence for a client's first paint.
 */
@Injectable()
export class RealtimeService {
  constructor(
    private readonly auth: AuthService,
    private readonly repository: RealtimeRepository,
    private readonly events: EventsRepository,
    private readonly workspaces: WorkspacesService,
    private readonly presence: PresenceService,
    private readonly clock: Clock,
  ) {}

  /** The statuses of a workspace's members, for one of them. */
  async workspacePresence(
    workspaceId: string,
    userId: string,
  ): Promise<{ userId: string; status: PresenceStatus }[]> {
    return this.presence.statuses(await this.workspaces.memberIds(workspaceId, userId));
  }

  /** What a user may see of the stream: their workspaces' roles and their channels. */
  viewerScope(userId: string): Promise<ViewerScope> {
    return this.repository.viewerScope(userId);
  }

  /** Up to `limit` events in (after, until], in order. */
  readEvents(after: bigint, until: bigint, limit: number): Promise<StoredEvent[]> {
    return this.events.readRange(after.toString(), until.toString(), limit);
  }

  async createTicket(auth: AuthContext): Promise<TicketView> {
    const ticket = `jkt_${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(this.clock.now() + TICKET_TTL_MS);
    await this.repository.insertTicket({
      ticketHash: hashToken(ticket),
      userId: auth.userId,
      tokenId: auth.tokenId,
      expiresAt,
    });
    return { ticket, expiresAt: expiresAt.toISOString() };
  }

  /**
   * The caller of an upgrade request, or undefined. A ticket works once, and only while its token does.
   * App tokens are refused: apps receive events at their events URL, limited to what their install may see.
   */
  async authenticate(
    authorization: string | undefined,
    ticket: string | null,
  ): Promise<AuthContext | undefined> {
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      // Looked up, not taken from the cache: a socket opens once per session, and the lookup proves the
      // database answers (else 503, and the client retries), so the socket it opens will get its events.
      const auth = match ? await this.auth.authenticate(match[1], true) : undefined;
      return auth?.scopes ? undefined : auth;
    }
    if (!ticket) return undefined;
    const redeemed = await this.repository.redeemTicket(hashToken(ticket));
    if (!redeemed) return undefined;
    const token = await this.auth.authenticateTokenId(redeemed.tokenId);
    return token?.userId === redeemed.userId ? token : undefined;
  }
}
