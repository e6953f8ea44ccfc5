import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { useChannels } from '../../sidebar/api';
import { ConfirmDialog } from '../ConfirmDialog';
import { text, texts } from '../form-fields';
import { SecretDialog, type Secret } from '../SecretDialog';
import { EventChoices, type EventName } from '../EventChoices';
import { useWebhookActions, useWebhooks, type Webhook } from './api';
import { DeliveryLog } from './DeliveryLog';

/**
 * Outgoing webhooks: endpoints that get the workspace's events, signed (Standard Webhooks). The signing secret
 * shows when the endpoint is made or its secret rotated; each endpoint has its delivery log.
 */
export function OutgoingWebhooks({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const channels = useChannels(workspaceId);
  const webhooks = useWebhooks(workspaceId);
  const actions = useWebhookActions(workspaceId);
  const [shown, setShown] = useState<Secret[] | null>(null);
  const [removing, setRemoving] = useState<Webhook | null>(null);
  const showSecret = (secret: string) => setShown([{ label: t('admin.webhooks.secret'), value: secret }]);
  const visible = (channels.data ?? []).filter((channel) => channel.kind !== 'dm');

  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    const channelIds = texts(fields, 'channelIds');
    actions.create.mutate(
      {
        url: text(fields, 'url'),
        events: texts(fields, 'events') as EventName[],
        channelIds: channelIds.length > 0 ? channelIds : null,
      },
      {
        onSuccess: (webhook) => {
          form.reset();
          showSecret(webhook.secret);
        },
      },
    );
  };

  return (
    <section className="stack" aria-labelledby="outgoing-webhooks">
      <h2 id="outgoing-webhooks">{t('admin.webhooks.outgoing')}</h2>
      <p className="muted">{t('admin.webhooks.outgoingExplain')}</p>
      <form className="stack card" onSubmit={create}>
        <label>
          {t('admin.webhooks.endpointUrl')}
          <input name="url" type="url" required placeholder="https://example.com/hooks/jokkaer" />
        </label>
        <EventChoices legend={t('admin.webhooks.events')} checked={['message.created']} />
        <fieldset className="choices">
          <legend>{t('admin.webhooks.channels')}</legend>
          {visible.map((channel) => (
            <label key={channel.id} className="checkbox">
              <input type="checkbox" name="channelIds" value={channel.id} />#{channel.name}
            </label>
          ))}
        </fieldset>
        <p className="muted">{t('admin.webhooks.channelsHint')}</p>
        <ErrorNote error={actions.create.error} />
        <div className="actions">
          <button type="submit" className="button primary" disabled={actions.create.isPending}>
            {t('admin.webhooks.createOutgoing')}
          </button>
        </div>
      </form>
      {webhooks.data?.length === 0 && <p className="muted">{t('admin.webhooks.noOutgoing')}</p>}
      <ErrorNote error={webhooks.error} />
      {webhooks.data?.map((webhook) => (
        <Endpoint
          key={webhook.id}
          webhook={webhook}
          workspaceId={workspaceId}
          channelName={(id) => channels.data?.find((channel) => channel.id === id)?.name ?? '…'}
          onSecret={showSecret}
          onRemove={() => setRemoving(webhook)}
        />
      ))}
      <SecretDialog title={t('admin.webhooks.secretTitle')} secrets={shown} onClose={() => setShown(null)} />
      <ConfirmDialog
        open={removing !== null}
        title={t('admin.webhooks.removeTitle', { name: removing?.url })}
        explanation={t('admin.webhooks.removeOutgoingExplain')}
        actionLabel={t('admin.delete')}
        onConfirm={() =>
          removing && actions.remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })
        }
        onClose={() => {
          setRemoving(null);
          actions.remove.reset();
        }}
        error={actions.remove.error}
        pending={actions.remove.isPending}
      />
    </section>
  );
}

function Endpoint({
  webhook,
  workspaceId,
  channelName,
  onSecret,
  onRemove,
}: {
  webhook: Webhook;
  workspaceId: string;
  channelName: (id: string) => string;
  onSecret: (secret: string) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const actions = useWebhookActions(workspaceId);
  const [logOpen, setLogOpen] = useState(false);
  const headingId = `webhook-${webhook.id}`;
  const logId = `webhook-log-${webhook.id}`;
  return (
    <article className="card stack" aria-labelledby={headingId}>
      <h3 id={headingId} className="admin-endpoint-url">
        {webhook.url}
      </h3>
      <dl className="admin-facts">
        <dt>{t('admin.webhooks.state')}</dt>
        <dd>
          {webhook.enabled ? t('admin.webhooks.enabled') : t('admin.webhooks.disabled')}
          {webhook.disabledReason && ` — ${webhook.disabledReason}`}
        </dd>
        {webhook.failingSince && (
          <>
            <dt>{t('admin.webhooks.failingSince')}</dt>
            <dd>{new Date(webhook.failingSince).toLocaleString()}</dd>
          </>
        )}
        <dt>{t('admin.webhooks.events')}</dt>
        <dd>{webhook.events.join(', ')}</dd>
        <dt>{t('admin.webhooks.channels')}</dt>
        <dd>
          {webhook.channelIds
            ? webhook.channelIds.map((id) => `#${channelName(id)}`).join(', ')
            : t('admin.webhooks.allChannels')}
        </dd>
      </dl>
      <div className="admin-row-actions">
        <button
          type="button"
          className="button small"
          aria-expanded={logOpen}
          aria-controls={logId}
          onClick={() => setLogOpen(!logOpen)}
        >
          {t('admin.webhooks.deliveryLog')}
        </button>
        <button
          type="button"
          className="button small"
          disabled={actions.setEnabled.isPending}
          onClick={() => actions.setEnabled.mutate({ webhookId: webhook.id, enabled: !webhook.enabled })}
        >
          {webhook.enabled ? t('admin.webhooks.disable') : t('admin.webhooks.enable')}
        </button>
        <button
          type="button"
          className="button small"
          disabled={actions.rotateSecret.isPending}
          onClick={() =>
            actions.rotateSecret.mutate(webhook.id, { onSuccess: (rotated) => onSecret(rotated.secret) })
          }
        >
          {t('admin.webhooks.rotate')}
        </button>
        <button type="button" className="button small" onClick={onRemove}>
          {t('admin.delete')}
        </button>
      </div>
      <ErrorNote error={actions.setEnabled.error ?? actions.rotateSecret.error} />
      {logOpen && <DeliveryLog id={logId} workspaceId={workspaceId} webhookId={webhook.id} />}
    </article>
  );
}
