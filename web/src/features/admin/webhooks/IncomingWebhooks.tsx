import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { useChannels } from '../../sidebar/api';
import { AdminTable } from '../AdminTable';
import { ConfirmDialog } from '../ConfirmDialog';
import { text } from '../form-fields';
import { SecretDialog, type Secret } from '../SecretDialog';
import { useIncomingWebhookActions, useIncomingWebhooks, type IncomingWebhook } from './api';

type Pending = { hook: IncomingWebhook; action: 'regenerate' | 'remove' } | null;

/**
 * Incoming webhooks by channel: a secret URL that posts into it (Slack's payloads). The URL is shown when the
 * hook is made or its URL regenerated, never again.
 */
export function IncomingWebhooks({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const channels = useChannels(workspaceId);
  const hooks = useIncomingWebhooks(workspaceId);
  const actions = useIncomingWebhookActions(workspaceId);
  const [shown, setShown] = useState<Secret[] | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const joined = (channels.data ?? []).filter((channel) => channel.isMember && channel.kind !== 'dm');
  const channelName = (id: string) => channels.data?.find((channel) => channel.id === id)?.name ?? '…';
  const showUrl = (url: string) => setShown([{ label: t('admin.webhooks.url'), value: url }]);

  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    actions.create.mutate(
      { channelId: text(fields, 'channelId'), name: text(fields, 'name') },
      {
        onSuccess: (hook) => {
          form.reset();
          showUrl(hook.url);
        },
      },
    );
  };
  const confirmAction = pending?.action === 'regenerate' ? actions.regenerate : actions.remove;
  const confirm = () => {
    if (!pending) return;
    if (pending.action === 'regenerate') {
      actions.regenerate.mutate(pending.hook.id, {
        onSuccess: (hook) => {
          setPending(null);
          showUrl(hook.url);
        },
      });
    } else actions.remove.mutate(pending.hook.id, { onSuccess: () => setPending(null) });
  };
  const closeConfirm = () => {
    setPending(null);
    confirmAction.reset();
  };

  return (
    <section className="stack" aria-labelledby="incoming-webhooks">
      <h2 id="incoming-webhooks">{t('admin.webhooks.incoming')}</h2>
      <p className="muted">{t('admin.webhooks.incomingExplain')}</p>
      <form className="admin-form" onSubmit={create}>
        <label>
          {t('admin.webhooks.channel')}
          <select name="channelId" required>
            {joined.map((channel) => (
              <option key={channel.id} value={channel.id}>
                #{channel.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.webhooks.name')}
          <input name="name" required maxLength={80} />
        </label>
        <button type="submit" className="button primary" disabled={actions.create.isPending}>
          {t('admin.webhooks.createIncoming')}
        </button>
      </form>
      <ErrorNote error={actions.create.error} />
      <AdminTable
        caption={t('admin.webhooks.incoming')}
        rows={hooks.data}
        rowKey={(hook) => hook.id}
        empty={t('admin.webhooks.noIncoming')}
        columns={[
          { header: t('admin.webhooks.name'), cell: (hook) => hook.name },
          { header: t('admin.webhooks.channel'), cell: (hook) => `#${channelName(hook.channelId)}` },
          {
            header: t('admin.webhooks.created'),
            cell: (hook) => new Date(hook.createdAt).toLocaleDateString(),
          },
        ]}
        actions={(hook) => (
          <>
            <button
              type="button"
              className="button small"
              onClick={() => setPending({ hook, action: 'regenerate' })}
            >
              {t('admin.webhooks.regenerate')}
            </button>
            <button
              type="button"
              className="button small"
              onClick={() => setPending({ hook, action: 'remove' })}
            >
              {t('admin.delete')}
            </button>
          </>
        )}
      />
      <ErrorNote error={hooks.error} />
      <SecretDialog title={t('admin.webhooks.urlTitle')} secrets={shown} onClose={() => setShown(null)} />
      <ConfirmDialog
        open={pending !== null}
        title={t(
          pending?.action === 'regenerate' ? 'admin.webhooks.regenerateTitle' : 'admin.webhooks.removeTitle',
          { name: pending?.hook.name },
        )}
        explanation={t(
          pending?.action === 'regenerate'
            ? 'admin.webhooks.regenerateExplain'
            : 'admin.webhooks.removeIncomingExplain',
        )}
        actionLabel={t(pending?.action === 'regenerate' ? 'admin.webhooks.regenerate' : 'admin.delete')}
        onConfirm={confirm}
        onClose={closeConfirm}
        error={confirmAction.error}
        pending={confirmAction.isPending}
      />
    </section>
  );
}
