import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../components/Avatar';
import { useSession } from '../../lib/session';
import { SettingsDialog } from './SettingsDialog';

/** The sidebar footer's "you": opens profile and settings. */
export function ProfileButton() {
  const { t } = useTranslation();
  const user = useSession()!.user;
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="profile-button" onClick={() => setOpen(true)}>
        <Avatar userId={user.id} name={user.displayName} url={user.avatarUrl} size={28} />
        <span className="me">{user.displayName}</span>
        <span className="visually-hidden">{t('settings.open')}</span>
      </button>
      <SettingsDialog user={user} open={open} onClose={() => setOpen(false)} />
    </>
  );
}
