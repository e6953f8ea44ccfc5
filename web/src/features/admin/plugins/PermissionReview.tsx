import { useTranslation } from 'react-i18next';
import type { CatalogueItem } from '../api';

/** What a plugin's manifest asks for, in words: what it reads, what it does, whom it calls, its commands. */
export function PermissionReview({ plugin, extraHosts }: { plugin: CatalogueItem; extraHosts: string[] }) {
  const { t } = useTranslation();
  const { permissions } = plugin;
  const reads = [
    ...(permissions.events ?? []).map((event) => t('admin.plugins.review.event', { event })),
    ...(permissions.messages?.read ? [t('admin.plugins.review.messagesRead')] : []),
    ...(permissions.messages?.addressed ? [t('admin.plugins.review.messagesAddressed')] : []),
    ...(permissions.users?.presence ? [t('admin.plugins.review.presence')] : []),
    ...(permissions.files?.read
      ? [t('admin.plugins.review.files', { kb: Math.round(permissions.files.maxBytes / 1024) })]
      : []),
  ];
  const does = [
    ...(permissions.messages?.write ? [t('admin.plugins.review.messagesWrite')] : []),
    ...(permissions.kv
      ? [t('admin.plugins.review.kv', { kb: Math.round(permissions.kv.quotaBytes / 1024) })]
      : []),
    ...(permissions.schedules ?? []).map((schedule) =>
      t('admin.plugins.review.schedule', { name: schedule.name, cron: schedule.cron }),
    ),
    ...(permissions.hooks ?? []).map((hook) => t('admin.plugins.review.hook', { hook })),
  ];
  const hosts = [...(permissions.http?.hosts ?? []), ...extraHosts];
  return (
    <section className="admin-panel review" aria-labelledby="review-heading">
      <h2 id="review-heading">{t('admin.plugins.review.title')}</h2>
      <dl>
        <dt>{t('admin.plugins.review.reads')}</dt>
        <dd>{listOrNothing(reads, t('admin.plugins.review.nothing'))}</dd>
        <dt>{t('admin.plugins.review.does')}</dt>
        <dd>{listOrNothing(does, t('admin.plugins.review.nothing'))}</dd>
        <dt>{t('admin.plugins.review.hosts')}</dt>
        <dd>
          {!permissions.http
            ? t('admin.plugins.review.noHttp')
            : listOrNothing(hosts, t('admin.plugins.review.noHostsYet'))}
        </dd>
        <dt>{t('admin.plugins.review.commands')}</dt>
        <dd>
          {listOrNothing(
            (permissions.commands ?? []).map((command) => (
              <>
                <code>
                  /{command.command}
                  {command.usage ? ` ${command.usage}` : ''}
                </code>{' '}
                — {command.description}
              </>
            )),
            t('admin.plugins.review.nothing'),
          )}
        </dd>
      </dl>
    </section>
  );
}

function listOrNothing(items: React.ReactNode[], nothing: string) {
  if (items.length === 0) return <span className="muted">{nothing}</span>;
  return (
    <ul>
      {items.map((item, index) => (
        <li key={index}>{item}</li>
      ))}
    </ul>
  );
}
