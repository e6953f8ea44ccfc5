import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../lib/api/client';

export const workspaceKeys = {
  all: ['workspaces'] as const,
  members: (workspaceId: string) => ['members', workspaceId] as const,
};

export function useWorkspaces() {
  return useQuery({
    queryKey: workspaceKeys.all,
    queryFn: () => data(api.GET('/api/v1/workspaces', { params: { query: { limit: 200 } } })),
    select: (page) => page.items,
  });
}

/** The workspace's members, by user id (names for messages, people for DMs). */
export function useMembers(workspaceId: string) {
  return useQuery({
    queryKey: workspaceKeys.members(workspaceId),
    queryFn: () =>
      data(
        api.GET('/api/v1/workspaces/{workspaceId}/members', {
          params: { path: { workspaceId }, query: { limit: 200 } },
        }),
      ),
    select: (page) => new Map(page.items.map((member) => [member.userId, member])),
  });
}
