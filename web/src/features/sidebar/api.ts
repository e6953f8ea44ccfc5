import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../lib/api/client';

export const channelKeys = {
  list: (workspaceId: string) => ['channels', workspaceId] as const,
};

export function useChannels(workspaceId: string) {
  return useQuery({
    queryKey: channelKeys.list(workspaceId),
    queryFn: () =>
      data(
        api.GET('/api/v1/workspaces/{workspaceId}/channels', {
          params: { path: { workspaceId }, query: { limit: 200 } },
        }),
      ),
    select: (page) => page.items,
  });
}
