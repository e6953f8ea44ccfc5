import type { Channel } from '../../lib/api/client';

/** The channels and direct conversations the sidebar lists, in its order (Alt+↑/↓ follow it too). */
export function sidebarSections(channels: Channel[]) {
  const mine = channels.filter((channel) => channel.isMember && !channel.archived);
  return {
    rooms: mine.filter((channel) => channel.kind !== 'dm'),
    direct: mine.filter((channel) => channel.kind === 'dm'),
  };
}
