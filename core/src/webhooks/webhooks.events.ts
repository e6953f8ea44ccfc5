export interface WebhookEvents {
  /** An endpoint stopped receiving: it answered 410 Gone, or failed continuously for five days. Admins only. */
  'webhook.disabled': { id: string; workspaceId: string; url: string; reason: string; disabledAt: string };
}
