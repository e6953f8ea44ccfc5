import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, data, type User } from '../../lib/api/client';
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
