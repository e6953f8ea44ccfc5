import { randomBytes } from 'node:crypto';

export interface ResetPasswordPage {
  html: string;
  headers: Record<string, string>;
}

/**
 * Where a reset link leads (`PUBLIC_URL/reset-password?token=…`): a form for the new password that posts it
 * with the link's token to `POST /api/v1/auth/password-reset/confirm`. The page holds no request data (its
 * script reads the token and drops it from the address bar), and sends no Referer that could leak it.
 */
export function renderResetPasswordPage(): ResetPasswordPage {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Choose a new password — Jōkkær</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
input,button{font:inherit;padding:.5rem}[hidden]{display:none}#error{color:#b00}</style></head>
<body><h1>Choose a new password</h1>
<form id="reset"><p><label>New password <input name="password" type="password" minlength="8" maxlength="256"
autocomplete="new-password" required></label></p><button>Set password</button></form>
<p id="done" role="status" hidden>Your password is set, and every session of the account has ended. Sign in with the new password.</p>
<p id="error" role="alert"></p>
<script nonce="${nonce}">
const $ = (id) => document.getElementById(id);
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
});
</script></body></html>`;
  return {
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    },
  };
}
