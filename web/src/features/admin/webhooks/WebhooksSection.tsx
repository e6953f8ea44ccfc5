import '../admin-forms.css';
import type { AdminSectionProps } from '../sections';
import { IncomingWebhooks } from './IncomingWebhooks';
import { OutgoingWebhooks } from './OutgoingWebhooks';

/** Incoming webhooks (post into a channel) and outgoing ones (the workspace's events, signed, to a URL). */
export function WebhooksSection({ workspace }: AdminSectionProps) {
  return (
    <div className="admin-sections">
      <IncomingWebhooks workspaceId={workspace.id} />
      <OutgoingWebhooks workspaceId={workspace.id} />
    </div>
  );
}
