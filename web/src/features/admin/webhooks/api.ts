import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data, type Answer } from '../../../lib/api/client';
import type { paths } from '../../../lib/api/schema';

export type Webhook = Answer<'/api/v1/workspaces/{workspaceId}/webhooks/{webhookId}', 'get'>;
export type Delivery = Answer<
  '/api/v1/workspaces/{workspaceId}/webhooks/{webhookId}/deliveries',
  'get'
>['items'][number];
export type IncomingWebhook = Answer<
  '/api/v1/workspaces/{workspaceId}/incoming-webhooks',
  'get'
>['items'][number];
type NewWebhook =
  paths['/api/v1/workspaces/{workspaceId}/webhooks']['post']['requestBody']['content']['application/json'];

const keys = {
  incoming: (workspaceId: string) => ['incoming-webhooks', workspaceId] as const,
  outgoing: (workspaceId: string) => ['webhooks', workspaceId] as const,
  deliveries: (webhookId: string) => ['webhook-deliveries', webhookId] as const,
};

/** How often an open delivery log asks again: deliveries and their retries happen on the server's time. */
const DELIVERY_LOG_REFRESH_MS = 2_000;

export function useIncomingWebhooks(workspaceId: string) {
  return useQuery({
    queryKey: keys.incoming(workspaceId),
    queryFn: () =>
      data(
        api.GET('/api/v1/workspaces/{workspaceId}/incoming-webhooks', { params: { path: { workspaceId } } }),
      ),
    select: (list) => list.items,
  });
}

/** Creating a hook or regenerating its URL answers the URL, once: the caller shows it. */
export function useIncomingWebhookActions(workspaceId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: keys.incoming(workspaceId) });
  return {
    create: useMutation({
      mutationFn: ({ channelId, name }: { channelId: string; name: string }) =>
        data(
          api.POST('/api/v1/channels/{channelId}/incoming-webhooks', {
            params: { path: { channelId } },
            body: { name },
          }),
        ),
      onSuccess: refresh,
    }),
    regenerate: useMutation({
      mutationFn: (hookId: string) =>
        data(api.POST('/api/v1/incoming-webhooks/{hookId}/regenerate', { params: { path: { hookId } } })),
    }),
    remove: useMutation({
      mutationFn: (hookId: string) =>
        data(api.DELETE('/api/v1/incoming-webhooks/{hookId}', { params: { path: { hookId } } })),
      onSuccess: refresh,
    }),
  };
}

export function useWebhooks(workspaceId: string) {
  return useQuery({
    queryKey: keys.outgoing(workspaceId),
    queryFn: () =>
      data(api.GET('/api/v1/workspaces/{workspaceId}/webhooks', { params: { path: { workspaceId } } })),
    select: (list) => list.items,
  });
}

export function useWebhookActions(workspaceId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: keys.outgoing(workspaceId) });
  const path = (webhookId: string) => ({ params: { path: { workspaceId, webhookId } } });
  return {
    create: useMutation({
      mutationFn: (body: NewWebhook) =>
        data(
          api.POST('/api/v1/workspaces/{workspaceId}/webhooks', { params: { path: { workspaceId } }, body }),
        ),
      onSuccess: refresh,
    }),
    setEnabled: useMutation({
      mutationFn: ({ webhookId, enabled }: { webhookId: string; enabled: boolean }) =>
        data(
          api.PATCH('/api/v1/workspaces/{workspaceId}/webhooks/{webhookId}', {
            ...path(webhookId),
            body: { enabled },
          }),
        ),
      onSuccess: refresh,
    }),
    rotateSecret: useMutation({
      mutationFn: (webhookId: string) =>
        data(
          api.POST('/api/v1/workspaces/{workspaceId}/webhooks/{webhookId}/rotate-secret', {
            ...path(webhookId),
            body: {},
          }),
        ),
    }),
    remove: useMutation({
      mutationFn: (webhookId: string) =>
        data(api.DELETE('/api/v1/workspaces/{workspaceId}/webhooks/{webhookId}', path(webhookId))),
      onSuccess: refresh,
    }),
  };
}

/** The endpoint's recent deliveries, newest first, kept fresh while shown. */
export function useDeliveries(workspaceId: string, webhookId: string) {
  return useQuery({
    queryKey: keys.deliveries(webhookId),
    queryFn: () =>
      data(
        api.GET('/api/v1/workspaces/{workspaceId}/webhooks/{webhookId}/deliveries', {
          params: { path: { workspaceId, webhookId }, query: { limit: 50 } },
        }),
      ),
    select: (page) => page.items,
    refetchInterval: DELIVERY_LOG_REFRESH_MS,
  });
}

export function useDeliveryActions(workspaceId: string, webhookId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: keys.deliveries(webhookId) });
  return {
    redeliver: useMutation({
      mutationFn: (deliveryId: string) =>
        data(
          api.POST(
            '/api/v1/workspaces/{workspaceId}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver',
            {
              params: { path: { workspaceId, webhookId, deliveryId } },
            },
          ),
        ),
      onSuccess: refresh,
    }),
    recover: useMutation({
      mutationFn: (since: string) =>
        data(
          api.POST('/api/v1/workspaces/{workspaceId}/webhooks/{webhookId}/recover', {
            params: { path: { workspaceId, webhookId } },
            body: { since },
          }),
        ),
      onSuccess: refresh,
    }),
  };
}
