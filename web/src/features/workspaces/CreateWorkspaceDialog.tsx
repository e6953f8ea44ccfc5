import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { CreateActions } from '../../components/CreateActions';
import { Dialog } from '../../components/Dialog';
import { api, data } from '../../lib/api/client';
import { workspaceKeys } from './api';

/** A slug proposed from the name ("Équipe Lyon" → "equipe-lyon"), which the person may change. */
function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

export function CreateWorkspaceDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => data(api.POST('/api/v1/workspaces', { body: { name, slug: slug ?? slugOf(name) } })),
    onSuccess: async (workspace) => {
      await client.invalidateQueries({ queryKey: workspaceKeys.all });
      onClose();
      void navigate(`/w/${workspace.id}`);
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Dialog title={t('workspaces.create')} open={open} onClose={onClose}>
      <form className="stack" onSubmit={onSubmit}>
        <label>
          {t('workspaces.name')}
          <input name="name" required value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          {t('workspaces.slug')}
          <input
            name="slug"
            required
            pattern="[a-z0-9][a-z0-9\-]*"
            value={slug ?? slugOf(name)}
            onChange={(event) => setSlug(event.target.value)}
          />
        </label>
        <CreateActions error={create.error} pending={create.isPending} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
