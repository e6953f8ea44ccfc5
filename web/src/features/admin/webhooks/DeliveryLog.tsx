import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
import { AdminTable } from '../AdminTable';
import { text } from '../form-fields';
import { useDeliveries, useDeliveryActions, type Delivery } from './api';

/** An endpoint's deliveries, newest first: each attempt's status, duration and the start of the answer. */
export function DeliveryLog({
  id,
  workspaceId,
  webhookId,
}: {
  id: string;
  workspaceId: string;
  webhookId: string;
}) {
  const { t } = useTranslation();
  const deliveries = useDeliveries(workspaceId, webhookId);
  const actions = useDeliveryActions(workspaceId, webhookId);
  const recover = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const since = text(new FormData(event.currentTarget), 'since');
    actions.recover.mutate(new Date(since).toISOString());
  };
  return (
    <div id={id} className="stack">
      <form className="admin-form" onSubmit={recover}>
        <label>
          {t('admin.webhooks.recoverSince')}
          <input name="since" type="datetime-local" required />
        </label>
        <button type="submit" className="button" disabled={actions.recover.isPending}>
          {t('admin.webhooks.recover')}
        </button>
        {actions.recover.data && (
          <p role="status">{t('admin.webhooks.recovered', { count: actions.recover.data.requeued })}</p>
        )}
      </form>
      <ErrorNote error={actions.recover.error ?? actions.redeliver.error ?? deliveries.error} />
      <AdminTable
        caption={t('admin.webhooks.deliveryLog')}
        rows={deliveries.data}
        rowKey={(delivery) => delivery.id}
        empty={t('admin.webhooks.noDeliveries')}
        columns={[
          {
            header: t('admin.webhooks.event'),
            cell: (delivery) => (
              <>
                <code>{delivery.eventType}</code>
                <div className="muted">{new Date(delivery.createdAt).toLocaleString()}</div>
              </>
            ),
          },
          {
            header: t('admin.webhooks.status'),
            cell: (delivery) => t(`admin.webhooks.deliveryStatus.${delivery.status}`),
          },
          { header: t('admin.webhooks.attempts'), cell: (delivery) => <Attempts delivery={delivery} /> },
        ]}
        actions={(delivery) =>
          delivery.status !== 'pending' && (
            <button
              type="button"
              className="button small"
              disabled={actions.redeliver.isPending && actions.redeliver.variables === delivery.id}
              onClick={() => actions.redeliver.mutate(delivery.id)}
            >
              {t('admin.webhooks.redeliver')}
            </button>
          )
        }
      />
    </div>
  );
}

/** A delivery's attempts, oldest first: the answer (or error), how long it took, and the start of its body. */
function Attempts({ delivery }: { delivery: Delivery }) {
  const { t } = useTranslation();
  return (
    <ol className="admin-attempts">
      {delivery.attempts.map((attempt) => (
        <li key={attempt.attemptedAt}>
          <span>{attempt.statusCode ?? attempt.error ?? '—'}</span>
          {' · '}
          <span>{t('admin.webhooks.duration', { ms: Math.round(attempt.durationMs) })}</span>
          {attempt.responseExcerpt && <code className="admin-excerpt">{attempt.responseExcerpt}</code>}
        </li>
      ))}
    </ol>
  );
}
