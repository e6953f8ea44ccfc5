import type { CallEvents } from '../calls/calls.events';
import type { ChannelEvents } from '../channels/channels.events';
import type { ExportEvents } from '../exports/exports.events';
import type { FileEvents } from '../files/files.events';
import type { ImportEvents } from '../imports/imports.events';
import type { MessageEvents } from '../messages/messages.events';
import type { WebhookEvents } from '../webhooks/webhooks.events';
import type { WorkspaceEvents } from '../workspaces/workspaces.events';

/**
 * Every domain event by name, with its payload: the resource as the REST API returns it, plus
 * `workspaceId` and, where it applies, `channelId` (API.md). Names are part of the public contract.
 */
export interface DomainEvents
  extends
    WorkspaceEvents,
    ChannelEvents,
    MessageEvents,
    FileEvents,
    WebhookEvents,
    CallEvents,
    ImportEvents,
    ExportEvents {}

export type DomainEventName = keyof DomainEvents;

/** Events the server tells itself through the same ordered stream; never delivered to clients. */
export interface InternalEvents {
  /**
   * A token was revoked (logout, deleted token, password change or reset, uninstalled app): every instance
   * forgets it (AuthCache) and closes the sockets opened with it.
   */
  'token.revoked': { userId: string; tokenId: string };
  /**
   * A workspace's outgoing webhooks changed (created, edited, deleted, an app's subscription added): every
   * instance re-reads which events they want (WebhookTargets). Not `workspaceId`: an internal event has no
   * workspace, so no client, plugin or webhook ever receives it.
   */
  'webhooks.changed': { ofWorkspace: string };
  /** A workspace's plugin installs changed (installed, reconfigured, disabled, removed): as above (PluginTargets). */
  'plugin_installs.changed': { ofWorkspace: string };
}

export type StreamEvents = DomainEvents & InternalEvents;
export type StreamEventName = keyof StreamEvents;
