import { useInfiniteQuery } from '@tanstack/react-query';
import { api, data, type Answer } from '../../../lib/api/client';

export type AuditEntry = Answer<'/api/v1/workspaces/{workspaceId}/audit', 'get'>['items'][number];
export type AuditAction = AuditEntry['action'];

export interface AuditFilters {
  action?: AuditAction;
  actorId?: string;
}

const PAGE_SIZE = 50;

/** A workspace's audit log, newest first, by pages ("Load more" asks for the next). */
export function useAuditLog(workspaceId: string, filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', workspaceId, filters.action ?? '', filters.actorId ?? ''],
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/v1/workspaces/{workspaceId}/audit', {
          params: { path: { workspaceId }, query: { ...filters, limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}
