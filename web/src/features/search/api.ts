import { useInfiniteQuery } from '@tanstack/react-query';
import { api, data } from '../../lib/api/client';

/** Messages of a workspace matching a search, newest first, by pages. */
export function useSearch(workspaceId: string, query: string) {
  return useInfiniteQuery({
    queryKey: ['search', workspaceId, query],
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/v1/workspaces/{workspaceId}/search', {
          params: { path: { workspaceId }, query: { q: query, limit: 30, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}
