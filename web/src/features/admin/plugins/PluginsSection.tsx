import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ErrorNote } from '../../../components/ErrorNote';
import { useCatalogue, useInstalls, useMe, type PluginInstall } from '../api';
import type { AdminSectionProps } from '../sections';
import '../admin-sections.css';
import { PluginDetail } from './PluginDetail';
import { PluginUpload } from './PluginUpload';

/** The plugin catalogue with each one's state in this workspace; `?plugin=<id>` opens one. */
export function PluginsSection({ workspace }: AdminSectionProps) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const catalogue = useCatalogue();
  const installs = useInstalls(workspace.id);
  const me = useMe();
  if (catalogue.error || installs.error) return <ErrorNote error={catalogue.error ?? installs.error} />;
  if (!catalogue.data || !installs.data) return <p className="muted">{t('app.loading')}</p>;
  const open = catalogue.data.find((plugin) => plugin.id === params.get('plugin'));
  if (open) {
    return (
      <div className="stack">
        <Link to="?" className="link-button">
          ← {t('admin.plugins.backToCatalogue')}
        </Link>
        <PluginDetail workspaceId={workspace.id} plugin={open} install={installs.data.get(open.id)} />
      </div>
    );
  }
  const stateOf = (install: PluginInstall | undefined) =>
    !install
      ? t('admin.plugins.notInstalled')
      : install.enabled
        ? t('admin.plugins.enabled')
        : t('admin.plugins.disabled');
  return (
    <div className="stack">
      <ul className="plugin-catalogue">
        {catalogue.data.map((plugin) => (
          <li key={plugin.id} className="admin-panel stack">
            <h2>
              <Link to={`?plugin=${encodeURIComponent(plugin.id)}`}>{plugin.name}</Link>{' '}
              <span className="muted">{plugin.version}</span>
            </h2>
            <p>{plugin.description}</p>
            <p className="muted">{stateOf(installs.data.get(plugin.id))}</p>
          </li>
        ))}
      </ul>
      {me.data?.instanceAdmin && <PluginUpload />}
    </div>
  );
}
