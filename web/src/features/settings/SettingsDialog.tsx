import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../components/Avatar';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import type { User } from '../../lib/api/client';
import { LANGUAGES } from '../../lib/i18n';
import { chooseTheme, storedTheme, THEMES, type Theme } from '../../lib/theme';
import {
  useAvatarUpload,
  usePasswordChange,
  usePushSettings,
  useRename,
  useSavePushSettings,
  type PushSettings,
} from './api';

/** Display name and picture. */
function ProfileSection({ user }: { user: User }) {
  const { t } = useTranslation();
  const [name, setName] = useState(user.displayName);
  const rename = useRename();
  const upload = useAvatarUpload();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate(name.trim());
  };
  return (
    <section className="stack" aria-labelledby="settings-profile">
      <h3 id="settings-profile">{t('settings.profile')}</h3>
      <div className="avatar-row">
        <Avatar userId={user.id} name={user.displayName} url={user.avatarUrl} size={64} />
        <label className="button file-button">
          {t('settings.avatar')}
          <input
            type="file"
            className="visually-hidden"
            accept="image/png,image/jpeg,image/webp,image/gif"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) upload.mutate(file);
              event.target.value = '';
            }}
          />
        </label>
        {upload.isSuccess && <span role="status">{t('settings.saved')}</span>}
      </div>
      <ErrorNote error={upload.error} />
      <form className="stack" onSubmit={onSubmit}>
        <label>
          {t('auth.displayName')}
          <input
            name="displayName"
            autoComplete="name"
            required
            maxLength={80}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <ErrorNote error={rename.error} />
        <div className="actions">
          {rename.isSuccess && <span role="status">{t('settings.saved')}</span>}
          <button type="submit" className="button primary" disabled={rename.isPending}>
            {t('settings.saveName')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A new password, given the current one; the server ends the account's other sessions. */
function PasswordSection() {
  const { t } = useTranslation();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const change = usePasswordChange();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          setCurrent('');
          setNew('');
        },
      },
    );
  };
  return (
    <section aria-labelledby="settings-password">
      <form className="stack" onSubmit={onSubmit}>
        <h3 id="settings-password">{t('settings.password')}</h3>
        <label>
          {t('settings.currentPassword')}
          <input
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(event) => setCurrent(event.target.value)}
          />
        </label>
        <label>
          {t('settings.newPassword')}
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            aria-describedby="new-password-hint"
            value={newPassword}
            onChange={(event) => setNew(event.target.value)}
          />
        </label>
        <p id="new-password-hint" className="muted">
          {t('auth.passwordHint')}
        </p>
        <ErrorNote error={change.error} />
        <div className="actions">
          {change.isSuccess && <span role="status">{t('settings.passwordChanged')}</span>}
          <button type="submit" className="button primary" disabled={change.isPending}>
            {t('settings.changePassword')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Theme and language: kept in this browser, applied at once. */
function AppearanceSection() {
  const { t, i18n } = useTranslation();
  const [theme, setTheme] = useState<Theme>(storedTheme);
  const onTheme = (next: Theme) => {
    setTheme(next);
    chooseTheme(next);
  };
  return (
    <section className="stack" aria-labelledby="settings-appearance">
      <h3 id="settings-appearance">{t('settings.appearance')}</h3>
      <fieldset className="choices">
        <legend>{t('settings.theme')}</legend>
        {THEMES.map((option) => (
          <label key={option} className="checkbox">
            <input
              type="radio"
              name="theme"
              value={option}
              checked={theme === option}
              onChange={() => onTheme(option)}
            />
            {t(`settings.themes.${option}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('settings.language')}
        <select value={i18n.language} onChange={(event) => void i18n.changeLanguage(event.target.value)}>
          {LANGUAGES.map((language) => (
            <option key={language} value={language}>
              {t(`settings.languages.${language}`)}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}

type QuietHours = NonNullable<PushSettings['quietHours']>;

/** The quiet hours form, once the saved settings are known. */
function QuietHoursForm({ saved }: { saved: QuietHours | null }) {
  const { t } = useTranslation();
  const save = useSavePushSettings();
  const [on, setOn] = useState(saved !== null);
  const [from, setFrom] = useState(saved?.from ?? '22:00');
  const [to, setTo] = useState(saved?.to ?? '07:00');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    // The hours are this browser's wall clock: the server reads them in its time zone.
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    save.mutate({ quietHours: on ? { from, to, timeZone } : null });
  };
  return (
    <form className="stack" onSubmit={onSubmit}>
      <label className="checkbox">
        <input type="checkbox" checked={on} onChange={(event) => setOn(event.target.checked)} />
        {t('settings.quietHours')}
      </label>
      <div className="time-range">
        <label>
          {t('settings.quietFrom')}
          <input
            type="time"
            required
            disabled={!on}
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
        </label>
        <label>
          {t('settings.quietTo')}
          <input
            type="time"
            required
            disabled={!on}
            value={to}
            onChange={(event) => setTo(event.target.value)}
          />
        </label>
      </div>
      <ErrorNote error={save.error} />
      <div className="actions">
        {save.isSuccess && <span role="status">{t('settings.saved')}</span>}
        <button type="submit" className="button primary" disabled={save.isPending}>
          {t('settings.saveQuietHours')}
        </button>
      </div>
    </form>
  );
}

/** Notifications with the tab closed (Web Push): the quiet hours the server honours. */
function NotificationsSection() {
  const { t } = useTranslation();
  const settings = usePushSettings();
  return (
    <section className="stack" aria-labelledby="settings-notifications">
      <h3 id="settings-notifications">{t('settings.notifications')}</h3>
      <p className="muted">{t('settings.quietHint')}</p>
      {settings.data ? (
        <QuietHoursForm saved={settings.data.quietHours} />
      ) : (
        <ErrorNote error={settings.error} />
      )}
    </section>
  );
}

/** The person's profile and this browser's preferences. */
export function SettingsDialog({ user, open, onClose }: { user: User; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog title={t('settings.title')} open={open} onClose={onClose}>
      <div className="settings">
        <ProfileSection user={user} />
        <AppearanceSection />
        <NotificationsSection />
        <PasswordSection />
      </div>
    </Dialog>
  );
}
