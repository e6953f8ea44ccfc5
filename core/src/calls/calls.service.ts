import { createHmac } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { conflict, notFound } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { EventsRepository } from '../events/events.repository';
import { CallRosters } from './call-rosters';
import { CallRow, CallsRepository } from './calls.repository';
import type { CallView, IceServer } from './calls.schemas';

/**
 * Call state: a channel (or DM) has at most one running call, which channel members start or join; it ends
 * when its last participant leaves. Media never passes through here: peers connect to each other (mesh, up
 * to CALL_MAX_PARTICIPANTS) with ICE servers handed out on join, and signal over the realtime socket.
 */
@Injectable()
export class CallsService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly repository: CallsRepository,
    private readonly rosters: CallRosters,
    private readonly channels: ChannelsService,
    private readonly events: EventsRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Whoever leaves a channel, or is removed from it or from its workspace, leaves its call in the same
   * transaction: the others are told at once, and their signals stop passing.
   */
  onModuleInit(): void {
    this.events.whileAppending('channel.member_left', async ({ channelId, userId }) => {
      const running = await this.repository.runningInChannel(channelId);
      if (running) await this.leaveIfPresent(running.id, userId);
    });
  }

  async join(channelId: string, userId: string): Promise<{ call: CallView; iceServers: IceServer[] }> {
    const { channel } = await this.channels.requireMember(channelId, userId);
    const call = await this.db.transaction(async () => {
      // A removal racing this join waits for it, then takes them out of the call with everyone else.
      await this.channels.holdMembership(channel.id, userId);
      let running = await this.repository.runningInChannel(channel.id);
      if (!running) {
        running = await this.repository.start({
          id: newId(),
          workspaceId: channel.workspaceId,
          channelId: channel.id,
          startedBy: userId,
        });
        if (running) await this.events.append('call.started', await this.view(running));
        else running = await this.repository.runningInChannel(channel.id); // someone else started it just now
      }
      if (!running) throw conflict('The call could not be started; try again');
      const present = await this.repository.participants(running.id);
      if (present.includes(userId)) return await this.view(running);
      if (present.length >= this.config.callMaxParticipants) {
        throw conflict(
          `The call is full: calls take at most ${this.config.callMaxParticipants} participants`,
        );
      }
      await this.repository.join(running.id, userId, new Date(this.clock.now()));
      const joinedId = running.id;
      this.db.afterCommit(() => this.rosters.forget(joinedId)); // this instance's next signal sees it at once
      const view = await this.view(running);
      await this.events.append('call.participant_joined', { ...view, userId });
      return view;
    });
    return { call: stripWorkspace(call), iceServers: this.iceServers(userId) };
  }

  async leave(callId: string, userId: string): Promise<void> {
    if (!(await this.leaveIfPresent(callId, userId))) throw notFound('Call');
  }

  /** Takes the user out of the running call, ending it when nobody is left; false if they were not in it. */
  async leaveIfPresent(callId: string, userId: string): Promise<boolean> {
    return await this.db.transaction(async () => {
      const call = await this.repository.findRunning(callId);
      const now = new Date(this.clock.now());
      if (!call || !(await this.repository.leave(call.id, userId, now))) return false;
      this.db.afterCommit(() => this.rosters.forget(call.id));
      const view = await this.view(call);
      await this.events.append('call.participant_left', { ...view, userId });
      if (view.participants.length === 0) {
        await this.repository.end(call.id, now);
        await this.events.append('call.ended', view);
      }
      return true;
    });
  }

  participantsJoinedBefore(before: Date): Promise<{ callId: string; userId: string }[]> {
    return this.repository.joinedBefore(before);
  }

  /** Whether a signal may pass: sender and recipient are both in this running call. */
  canSignal(callId: string, from: string, to: string): Promise<boolean> {
    return from === to ? Promise.resolve(false) : this.rosters.bothIn(callId, [from, to]);
  }

  /**
   * STUN servers as configured, and TURN with credentials in the TURN REST scheme that coturn's
   * `use-auth-secret` accepts: username `expiry:userId`, password base64(HMAC-SHA1(secret, username)).
   */
  iceServers(userId: string): IceServer[] {
    const servers: IceServer[] = [];
    if (this.config.stunUrls.length > 0) servers.push({ urls: this.config.stunUrls });
    if (this.config.turnUrls.length > 0 && this.config.turnSecret) {
      const username = `${Math.floor(this.clock.now() / 1000) + this.config.turnTtlSeconds}:${userId}`;
      const credential = createHmac('sha1', this.config.turnSecret).update(username).digest('base64');
      servers.push({ urls: this.config.turnUrls, username, credential });
    }
    return servers;
  }

  /** The call as events carry it: the resource plus its workspace. */
  private async view(call: CallRow): Promise<CallView & { workspaceId: string }> {
    return {
      id: call.id,
      channelId: call.channelId,
      participants: await this.repository.participants(call.id),
      workspaceId: call.workspaceId,
    };
  }
}

function stripWorkspace(view: CallView & { workspaceId?: string }): CallView {
  return { id: view.id, channelId: view.channelId, participants: view.participants };
}
