import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data, type Answer } from '../../../lib/api/client';
import type { paths } from '../../../lib/api/schema';

export type App = Answer<'/api/v1/workspaces/{workspaceId}/apps', 'get'>['items'][number];
export type InstalledApp = Answer<'/api/v1/workspaces/{workspaceId}/app-installs', 'get'>['items'][number];
export type PersonalToken = Answer<'/api/v1/me/tokens', 'get'>['items'][number];
export type NewApp =
  paths['/api/v1/workspaces/{workspaceId}/apps']['post']['requestBody']['content']['application/json'];
export type Scope = NewApp['scopes'][number];
type NewToken = paths['/api/v1/me/tokens']['post']['requestBody']['content']['application/json'];

const keys = {
  apps: (workspaceId: string) => ['apps', workspaceId] as const,
  installs: (workspaceId: string) => ['app-installs', workspaceId] as const,
  tokens: ['personal-tokens'] as const,
};

export function useApps(workspaceId: string) {
  return useQuery({
    queryKey: keys.apps(workspaceId),
    queryFn: () =>
      data(api.GET('/api/v1/workspaces/{workspaceId}/apps', { params: { path: { workspaceId } } })),
    select: (list) => list.items,
  });
}

export function useInstalledApps(workspaceId: string) {
  return useQuery({
    queryKey: keys.installs(workspaceId),
    queryFn: () =>
      data(api.GET('/api/v1/workspaces/{workspaceId}/app-installs', { params: { path: { workspaceId } } })),
    select: (list) => list.items,
  });
}

/** Registering answers the client secret and installing the bot token, once each: the caller shows them. */
export function useAppActions(workspaceId: string) {
  const client = useQueryClient();
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: keys.apps(workspaceId) }),
      client.invalidateQueries({ queryKey: keys.installs(workspaceId) }),
    ]);
  const path = (appId: string) => ({ params: { path: { workspaceId, appId } } });
  return {
    register: useMutation({
      mutationFn: (body: NewApp) =>
        data(api.POST('/api/v1/workspaces/{workspaceId}/apps', { params: { path: { workspaceId } }, body })),
      onSuccess: refresh,
    }),
    install: useMutation({
      mutationFn: (appId: string) =>
        data(api.POST('/api/v1/workspaces/{workspaceId}/apps/{appId}/install', { ...path(appId), body: {} })),
      onSuccess: refresh,
    }),
    uninstall: useMutation({
      mutationFn: (appId: string) =>
        data(api.DELETE('/api/v1/workspaces/{workspaceId}/apps/{appId}/install', path(appId))),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: (appId: string) =>
        data(api.DELETE('/api/v1/workspaces/{workspaceId}/apps/{appId}', path(appId))),
      onSuccess: refresh,
    }),
  };
}

export function usePersonalTokens() {
  return useQuery({
    queryKey: keys.tokens,
    queryFn: () => data(api.GET('/api/v1/me/tokens')),
    select: (list) => list.items,
  });
}

export function usePersonalTokenActions() {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: keys.tokens });
  return {
    create: useMutation({
      mutationFn: (body: NewToken) => data(api.POST('/api/v1/me/tokens', { body })),
      onSuccess: refresh,
    }),
    revoke: useMutation({
      mutationFn: (tokenId: string) =>
        data(api.DELETE('/api/v1/me/tokens/{tokenId}', { params: { path: { tokenId } } })),
      onSuccess: refresh,
    }),
  };
}
