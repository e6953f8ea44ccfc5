import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data, type Answer } from '../../lib/api/client';
import type { paths } from '../../lib/api/schema';
import { workspaceKeys } from '../workspaces/api';

export type OpenInvite = Answer<'/api/v1/workspaces/{workspaceId}/invites', 'get'>['items'][number];
export type CatalogueItem = Answer<'/api/v1/plugins', 'get'>['items'][number];
export type PluginInstall = Answer<'/api/v1/workspaces/{workspaceId}/plugins', 'get'>['items'][number];
export type Invocation = Answer<
  '/api/v1/workspaces/{workspaceId}/plugins/{pluginId}/invocations',
  'get'
>['items'][number];
export type InvocationOutcome = Invocation['outcome'];
export type InstallBody =
  paths['/api/v1/workspaces/{workspaceId}/plugins/{pluginId}']['put']['requestBody']['content']['application/json'];
type Role = 'owner' | 'admin' | 'member' | 'guest';

const adminKeys = {
  me: ['me'] as const,
  invites: (workspaceId: string) => ['invites', workspaceId] as const,
  catalogue: ['plugins'] as const,
  installs: (workspaceId: string) => ['plugin-installs', workspaceId] as const,
  invocations: (workspaceId: string, pluginId: string, outcome?: InvocationOutcome) =>
    ['plugin-invocations', workspaceId, pluginId, outcome ?? 'all'] as const,
};

/** The signed-in person as the server sees them now (whether they are an instance admin). */
export function useMe() {
  return useQuery({ queryKey: adminKeys.me, queryFn: () => data(api.GET('/api/v1/me')) });
}

export function useChangeRole(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      data(
        api.PATCH('/api/v1/workspaces/{workspaceId}/members/{userId}', {
          params: { path: { workspaceId, userId } },
          body: { role },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: workspaceKeys.members(workspaceId) }),
  });
}

export function useRemoveMember(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      data(
        api.DELETE('/api/v1/workspaces/{workspaceId}/members/{userId}', {
          params: { path: { workspaceId, userId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: workspaceKeys.members(workspaceId) }),
  });
}

export function useOpenInvites(workspaceId: string) {
  return useQuery({
    queryKey: adminKeys.invites(workspaceId),
    queryFn: () =>
      data(api.GET('/api/v1/workspaces/{workspaceId}/invites', { params: { path: { workspaceId } } })),
    select: (answer) => answer.items,
  });
}

export function useCreateInvite(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { role: 'admin' | 'member' | 'guest'; expiresInHours: number; maxUses: number }) =>
      data(api.POST('/api/v1/workspaces/{workspaceId}/invites', { params: { path: { workspaceId } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: adminKeys.invites(workspaceId) }),
  });
}

export function useRevokeInvite(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (inviteId: string) =>
      data(
        api.DELETE('/api/v1/workspaces/{workspaceId}/invites/{inviteId}', {
          params: { path: { workspaceId, inviteId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: adminKeys.invites(workspaceId) }),
  });
}

export function useCatalogue() {
  return useQuery({
    queryKey: adminKeys.catalogue,
    queryFn: () => data(api.GET('/api/v1/plugins')),
    select: (answer) => answer.items,
  });
}

/** The workspace's installs, by plugin id. */
export function useInstalls(workspaceId: string) {
  return useQuery({
    queryKey: adminKeys.installs(workspaceId),
    queryFn: () =>
      data(api.GET('/api/v1/workspaces/{workspaceId}/plugins', { params: { path: { workspaceId } } })),
    select: (answer) => new Map(answer.items.map((install) => [install.pluginId, install])),
  });
}

/** Installs, reconfigures, enables or disables: the server takes the whole configuration each time. */
export function useSaveInstall(workspaceId: string, pluginId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: InstallBody) =>
      data(
        api.PUT('/api/v1/workspaces/{workspaceId}/plugins/{pluginId}', {
          params: { path: { workspaceId, pluginId } },
          body,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: adminKeys.installs(workspaceId) }),
  });
}

export function useInvocations(workspaceId: string, pluginId: string, outcome?: InvocationOutcome) {
  return useQuery({
    queryKey: adminKeys.invocations(workspaceId, pluginId, outcome),
    queryFn: () =>
      data(
        api.GET('/api/v1/workspaces/{workspaceId}/plugins/{pluginId}/invocations', {
          params: { path: { workspaceId, pluginId }, query: outcome ? { outcome } : {} },
        }),
      ),
    select: (answer) => answer.items,
  });
}

/** An instance admin adds a built plugin (plugin.json and plugin.js) to the catalogue. */
export function useUploadPlugin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { manifest: Record<string, unknown>; code: string }) =>
      data(api.POST('/api/v1/plugins', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: adminKeys.catalogue }),
  });
}
