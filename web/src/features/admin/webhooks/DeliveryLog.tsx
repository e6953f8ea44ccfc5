import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../../components/ErrorNote';
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
      {deliveries.data?.length === 0 && <p className="muted">{t('admin.webhooks.noDeliveries')}</p>}
      {deliveries.data && deliveries.data.length > 0 && (
        <table className="admin-table">
          <caption className="visually-hidden">{t('admin.webhooks.deliveryLog')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.webhooks.event')}</th>
              <th scope="col">{t('admin.webhooks.status')}</th>
              <th scope="col">{t('admin.webhooks.attempts')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.map((delivery) => (
              <DeliveryRow
                key={delivery.id}
                delivery={delivery}
                onRedeliver={() => actions.redeliver.mutate(delivery.id)}
                redelivering={actions.redeliver.isPending && actions.redeliver.variables === delivery.id}
              />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function DeliveryRow({
  delivery,
  onRedeliver,
  redelivering,
}: {
  delivery: Delivery;
  onRedeliver: () => void;
  redelivering: boolean;
}) {
  const { t } = useTranslation();
  return (
    <tr>
      <td>
        <code>{delivery.eventType}</code>
        <div className="muted">{new Date(delivery.createdAt).toLocaleString()}</div>
      </td>
      <td>{t(`admin.webhooks.deliveryStatus.${delivery.status}`)}</td>
      <td>
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
      </td>
      <td>
        {delivery.status !== 'pending' && (
          <button type="button" className="button small" disabled={redelivering} onClick={onRedeliver}>
            {t('admin.webhooks.redeliver')}
          </button>
        )}
      </td>
    </tr>
  );
}
