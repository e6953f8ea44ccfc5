import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProblemField } from '../../../lib/api/client';

/** The hosts an admin lets this install call besides its manifest's (`cal.example.org`, `*.example.org`). */
export function AllowedHostsEditor({
  hosts,
  onChange,
  errors,
}: {
  hosts: string[];
  onChange: (hosts: string[]) => void;
  /** Paths relative to allowedHosts: `3` names the fourth host, `` the list itself. */
  errors: ProblemField[];
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const add = () => {
    const host = draft.trim().toLowerCase();
    if (host && !hosts.includes(host)) onChange([...hosts, host]);
    setDraft('');
  };
  const onKeyDown = (event: KeyboardEvent) => {
    // Enter adds the host rather than submitting the whole configuration.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  };
  const listErrors = errors.filter((field) => field.path === '');
  return (
    <fieldset className="stack">
      <legend>{t('admin.plugins.hosts.title')}</legend>
      <p className="muted">{t('admin.plugins.hosts.explained')}</p>
      {hosts.length > 0 && (
        <ul className="host-list">
          {hosts.map((host, index) => {
            const hostErrors = errors.filter((field) => field.path === String(index));
            return (
              <li key={host}>
                <code>{host}</code>
                <button
                  type="button"
                  className="button small"
                  aria-label={t('admin.plugins.hosts.removeHost', { host })}
                  onClick={() => onChange(hosts.filter((other) => other !== host))}
                >
                  {t('admin.plugins.hosts.remove')}
                </button>
                {hostErrors.length > 0 && (
                  <span className="error">{hostErrors.map((field) => field.message).join('; ')}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div className="admin-inline-form">
        <label className="grow">
          {t('admin.plugins.hosts.add')}
          <input
            value={draft}
            placeholder="cal.example.org"
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
          />
        </label>
        <button type="button" className="button" onClick={add}>
          {t('admin.plugins.hosts.addButton')}
        </button>
      </div>
      {listErrors.length > 0 && (
        <p className="error">{listErrors.map((field) => field.message).join('; ')}</p>
      )}
    </fieldset>
  );
}
