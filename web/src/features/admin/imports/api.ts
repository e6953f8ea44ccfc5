import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data, type Answer } from '../../../lib/api/client';
import type { paths } from '../../../lib/api/schema';
import { sendFile, type UploadOptions } from '../../../lib/api/upload';

export type ImportView = Answer<'/api/v1/workspaces/{workspaceId}/imports/{importId}', 'get'>;
export type ExportView = Answer<'/api/v1/workspaces/{workspaceId}/exports/{exportId}', 'get'>;

const IMPORTS_PATH = '/api/v1/workspaces/{workspaceId}/imports' satisfies keyof paths;

/** How often a running job is asked about: its progress is the server's. */
const JOB_REFRESH_MS = 1_000;
const running = (status: string | undefined) => status === 'queued' || status === 'running';

const keys = {
  imports: (workspaceId: string) => ['imports', workspaceId] as const,
  exports: (workspaceId: string) => ['exports', workspaceId] as const,
};

/** The workspace's latest import, followed while it runs. */
export function useLatestImport(workspaceId: string) {
  return useQuery({
    queryKey: keys.imports(workspaceId),
    queryFn: () =>
      data(
        api.GET('/api/v1/workspaces/{workspaceId}/imports', {
          params: { path: { workspaceId }, query: { limit: 1 } },
        }),
      ),
    select: (page) => page.items[0],
    refetchInterval: (query) => (running(query.state.data?.items[0]?.status) ? JOB_REFRESH_MS : false),
  });
}

export function useImportActions(workspaceId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: keys.imports(workspaceId) });
  return {
    upload: useMutation({
      mutationFn: ({ file, ...options }: { file: File } & UploadOptions) =>
        sendFile<ImportView>(
          IMPORTS_PATH.replace('{workspaceId}', encodeURIComponent(workspaceId)),
          file,
          options,
        ),
      onSuccess: refresh,
    }),
    undo: useMutation({
      mutationFn: (importId: string) =>
        data(
          api.DELETE('/api/v1/workspaces/{workspaceId}/imports/{importId}', {
            params: { path: { workspaceId, importId } },
          }),
        ),
      onSuccess: refresh,
    }),
  };
}

/** The workspace's latest export, followed while it is written. */
export function useLatestExport(workspaceId: string) {
  return useQuery({
    queryKey: keys.exports(workspaceId),
    queryFn: () =>
      data(
        api.GET('/api/v1/workspaces/{workspaceId}/exports', {
          params: { path: { workspaceId }, query: { limit: 1 } },
        }),
      ),
    select: (page) => page.items[0],
    refetchInterval: (query) => (running(query.state.data?.items[0]?.status) ? JOB_REFRESH_MS : false),
  });
}

export function useStartExport(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      data(api.POST('/api/v1/workspaces/{workspaceId}/exports', { params: { path: { workspaceId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.exports(workspaceId) }),
  });
}

/**
 * The export's zip, fetched with the session's token (the API takes no cookie, so a plain link cannot carry
 * it), then saved through an object URL under the name the server gives.
 */
export async function downloadExport(view: ExportView): Promise<void> {
  const answer = await api.GET('/api/v1/workspaces/{workspaceId}/exports/{exportId}/download', {
    params: { path: { workspaceId: view.workspaceId, exportId: view.id } },
    parseAs: 'blob',
  });
  const blob = await data<Blob>(Promise.resolve(answer));
  const name = /filename="([^"]+)"/.exec(answer.response.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name ?? 'export.zip';
  link.click();
  // The browser reads the blob after this task: let it go once the save has begun.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
