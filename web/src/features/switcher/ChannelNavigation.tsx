import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router';
import type { Channel } from '../../lib/api/client';
import { sidebarSections } from '../sidebar/sections';
import { QuickSwitcher } from './QuickSwitcher';
import { useChannelKeys } from './useChannelKeys';

interface ChannelNavigationProps {
  workspaceId: string;
  channels: Channel[];
  titleOf: (channel: Channel) => string;
}

/** Moving between channels from the keyboard: Alt+↑/↓ (with Shift: unread ones) and the Ctrl/Cmd+K switcher. */
/** The channel in the address bar now (it is ahead of the rendered screen while a navigation renders). */
const channelInAddress = () => /\/c\/([^/]+)/.exec(window.location.pathname)?.[1];

export function ChannelNavigation({ workspaceId, channels, titleOf }: ChannelNavigationProps) {
  const navigate = useNavigate();
  const [switcherOpen, setSwitcherOpen] = useState(false);
  const { rooms, direct } = sidebarSections(channels);
  const ordered = [...rooms, ...direct];
  const go = useCallback(
    (channel: Channel) => void navigate(`/w/${workspaceId}/c/${channel.id}`),
    [navigate, workspaceId],
  );
  const openSwitcher = useCallback(() => setSwitcherOpen(true), []);
  useChannelKeys(ordered, channelInAddress, go, openSwitcher);
  return (
    <QuickSwitcher
      open={switcherOpen}
      onClose={() => setSwitcherOpen(false)}
      channels={ordered}
      titleOf={titleOf}
      go={go}
    />
  );
}
