import { randomBytes } from 'node:crypto';

export interface ServerPage {
  html: string;
  /** The page's scripts run under a fresh nonce; its styles come from this origin; nothing may frame it. */
  contentSecurityPolicy: string;
}

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * A page the server renders itself (OAuth consent, password reset) in the browser client's look: the client's
 * design tokens and base styles (`/server-pages.css`, built with web/) and its theme script (`/theme.js`: the
 * chosen or the system's light or dark, before the first paint), with the sign-in page's card. `body` is HTML
 * the caller has escaped; `script` runs under the page's nonce.
 */
export function renderServerPage(page: {
  title: string;
  body: string;
  /** Runs under the page's nonce; it may call this origin's API. */
  script?: string;
  /** Where the page's forms may be submitted: nowhere unless said (its script sends them). */
  formAction?: "'self'" | "'none'";
}): ServerPage {
  const nonce = randomBytes(16).toString('base64');
  const script = page.script ? `<script nonce="${nonce}">\n${page.script}\n</script>` : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)} — Jōkkær</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script nonce="${nonce}" src="/theme.js"></script>
<link rel="stylesheet" href="/server-pages.css"></head>
<body><main class="auth-page server-page"><div class="card auth-form">
${page.body}
</div></main>${script}</body></html>`;
  const connect = page.script ? " connect-src 'self';" : '';
  return {
    html,
    contentSecurityPolicy: `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self';${connect} form-action ${page.formAction ?? "'none'"}; frame-ancestors 'none'; base-uri 'none'`,
  };
}
