import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data, type Answer, type User } from '../../lib/api/client';
import { session } from '../../lib/session';

/** The signed-in person's own record changed: the session keeps it, and member lists refetch (names, avatars). */
function useProfileSaved() {
  const client = useQueryClient();
  return (user: User) => {
    const current = session.get();
    if (current) session.set({ ...current, user });
    void client.invalidateQueries({ queryKey: ['members'] });
  };
}

export function useRename() {
  const saved = useProfileSaved();
  return useMutation({
    mutationFn: (displayName: string) => data(api.PATCH('/api/v1/me', { body: { displayName } })),
    onSuccess: saved,
  });
}

export function useAvatarUpload() {
  const saved = useProfileSaved();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      // The body is multipart: the form goes as it is (fetch sets its boundary).
      return data(api.PUT('/api/v1/me/avatar', { body: {}, bodySerializer: () => form }));
    },
    onSuccess: saved,
  });
}

export function usePasswordChange() {
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      data(api.POST('/api/v1/me/password', { body })),
  });
}

const pushSettingsKey = ['push-settings'] as const;

/** Quiet hours: when the server pushes nothing to this person's closed tabs. */
export function usePushSettings() {
  return useQuery({ queryKey: pushSettingsKey, queryFn: () => data(api.GET('/api/v1/me/push-settings')) });
}

export type PushSettings = Answer<'/api/v1/me/push-settings', 'get'>;

export function useSavePushSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PushSettings) => data(api.PUT('/api/v1/me/push-settings', { body })),
    onSuccess: (saved) => client.setQueryData(pushSettingsKey, saved),
  });
}
