import { Phone } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useMembers } from '../workspaces/api';
import { useCalls, type Ring } from './CallsProvider';

/** The ring of a DM call: who calls, accept (joins and opens the conversation) or decline (stops the ring here). */
export function IncomingCall({ ring }: { ring: Ring }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { join, decline } = useCalls();
  const caller = useMembers(ring.workspaceId).data?.get(ring.callerId)?.displayName ?? '…';
  return (
    <div className="incoming-call" role="alertdialog" aria-labelledby="incoming-call-title">
      <p id="incoming-call-title">
        <Phone /> {t('calls.incoming', { name: caller })}
      </p>
      <div className="incoming-call-actions">
        <button
          type="button"
          className="button primary"
          onClick={() => {
            join({ workspaceId: ring.workspaceId, channelId: ring.channelId });
            void navigate(`/w/${ring.workspaceId}/c/${ring.channelId}`);
          }}
        >
          {t('calls.accept')}
        </button>
        <button type="button" className="button danger" onClick={decline}>
          {t('calls.decline')}
        </button>
      </div>
    </div>
  );
}
