import type { Message } from '../../lib/api/client';

/**
 * Where a message is read in the client: its place in the channel (a jump link), or, for a reply, its
 * thread. The routes are in app/routes.tsx.
 */
export function messagePath(message: Pick<Message, 'id' | 'workspaceId' | 'channelId' | 'threadId'>): string {
  const channel = `/w/${message.workspaceId}/c/${message.channelId}`;
  return message.threadId ? `${channel}/t/${message.threadId}` : `${channel}/m/${message.id}`;
}
