import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, data, type Answer } from '../../lib/api/client';
import type { PresenceStatus, SignalFrame } from '../../lib/realtime';

type PresenceList = Answer<'/api/v1/workspaces/{workspaceId}/presence', 'get'>;

export const presenceKeys = {
  all: ['presence'] as const,
  list: (workspaceId: string) => ['presence', workspaceId] as const,
};

/** The workspace's members' statuses by user id: fetched once, then kept live by presence frames. */
export function usePresence(workspaceId: string) {
  return useQuery({
    queryKey: presenceKeys.list(workspaceId),
    queryFn: () =>
      data(api.GET('/api/v1/workspaces/{workspaceId}/presence', { params: { path: { workspaceId } } })),
    enabled: workspaceId !== '',
    select: (list) => new Map(list.items.map(({ userId, status }) => [userId, status])),
  });
}

/** One person's status in the open workspace; undefined until it is known. */
export function useStatus(userId: string): PresenceStatus | undefined {
  const { workspaceId = '' } = useParams();
  return usePresence(workspaceId).data?.get(userId);
}

/**
 * A presence frame lists changed statuses without naming the workspace it is for; a person has one status
 * everywhere, so every cached workspace list takes it.
 */
export function applyPresence(client: QueryClient, frame: Extract<SignalFrame, { type: 'presence' }>): void {
  const changed = new Map(frame.statuses.map(({ userId, status }) => [userId, status]));
  client.setQueriesData<PresenceList>({ queryKey: presenceKeys.all }, (list) => {
    if (!list) return list;
    const items = list.items.map((item) => ({ ...item, status: changed.get(item.userId) ?? item.status }));
    const known = new Set(items.map((item) => item.userId));
    for (const [userId, status] of changed) if (!known.has(userId)) items.push({ userId, status });
    return { items };
  });
}
