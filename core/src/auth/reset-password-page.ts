import { renderServerPage } from '../common/server-page';

export interface ResetPasswordPage {
  html: string;
  headers: Record<string, string>;
}

/**
 * Where a reset link leads (`PUBLIC_URL/reset-password?token=…`), in the client's look: a form for the new password that posts it
 * with the link's token to `POST /api/v1/auth/password-reset/confirm`. The page holds no request data (its
 * script reads the token and drops it from the address bar), and sends no Referer that could leak it.
 */
export function renderResetPasswordPage(): ResetPasswordPage {
  const page = renderServerPage({
    title: 'Choose a new password',
    body: `<div class="stack"><h1>Choose a new password</h1>
<form id="reset" class="stack"><label>New password <input name="password" type="password" minlength="8" maxlength="256"
autocomplete="new-password" required></label><button class="button primary">Set password</button></form>
<p id="done" role="status" hidden>Your password is set, and every session of the account has ended. Sign in with the new password.</p>
<p id="error" class="error" role="alert"></p></div>`,
    script: `const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.search).get('token');
history.replaceState(null, '', location.pathname);
if (!token) $('error').textContent = 'This link has no reset token; ask for a new one.';
$('reset').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('error').textContent = '';
  const response = await fetch('/api/v1/auth/password-reset/confirm', { method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, newPassword: event.target.password.value }) }).catch(() => undefined);
  if (response && response.ok) { $('reset').hidden = true; $('done').hidden = false; return; }
  const problem = response ? await response.json().catch(() => ({})) : {};
  $('error').textContent = problem.detail || 'The password could not be set; try again.';
});`,
  });
  return {
    html: page.html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': page.contentSecurityPolicy,
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    },
  };
}
