import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useParams } from 'react-router';
import { ErrorNote } from '../../components/ErrorNote';
import { api, data } from '../../lib/api/client';
import { workspaceKeys } from './api';

/** An invite link opened by a signed-in person: joins the workspace, then opens it. */
export function InvitePage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const client = useQueryClient();
  const accept = useMutation({
    mutationFn: () => data(api.POST('/api/v1/invites/{code}/accept', { params: { path: { code } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: workspaceKeys.all }),
  });
  const { mutate } = accept;
  useEffect(() => mutate(), [mutate]);
  if (accept.data) return <Navigate to={`/w/${accept.data.workspace.id}`} replace />;
  return (
    <main className="auth-page">
      <div className="card">
        <p>{t('workspaces.accepting')}</p>
        <ErrorNote error={accept.error} />
      </div>
    </main>
  );
}
