import { randomBytes } from 'node:crypto';

/** What each scope lets an app do, as the consent page says it. */
const SCOPE_TEXT: Record<string, string> = {
  'channels:read': 'See the public channels, and the channels it is added to',
  'channels:join': 'Join public channels',
  'channels:history': 'Read messages in the channels it can see',
  'chat:write': 'Post, edit and delete its own messages',
  'reactions:write': 'Add and remove reactions',
  'files:read': 'Read files shared where it can see them',
  'files:write': 'Upload files',
  'users:read': 'See the workspace and its members',
  commands: 'Add slash commands',
};

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export interface ConsentPage {
  html: string;
  /** The page's only script and style run under this nonce; nothing may frame it (clickjacking). */
  contentSecurityPolicy: string;
}

/**
 * The consent screen for `GET /oauth/authorize`. It signs the person in (or uses the web client's session),
 * lets them pick a workspace they administer, and sends the decision to `POST /oauth/authorize`, which
 * answers where the browser goes next. Every value from the request is escaped, in HTML and in the script.
 */
export function renderConsentPage(
  app: { name: string; scopes: string[] },
  params: Record<string, string>,
): ConsentPage {
  const nonce = randomBytes(16).toString('base64');
  const scopes = app.scopes.map(
    (scope) => `<li><code>${escape(scope)}</code> — ${escape(SCOPE_TEXT[scope] ?? scope)}</li>`,
  );
  const data = JSON.stringify(params).replace(/</g, '\\u003c');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Install ${escape(app.name)} — Jōkkær</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
button{font:inherit;padding:.5rem 1rem;margin-right:.5rem}[hidden]{display:none}#error{color:#b00}</style></head>
<body><h1>Install <span id="app">${escape(app.name)}</span>?</h1>
<p>It asks to:</p><ul id="scopes">${scopes.join('')}</ul>
<form id="login" hidden><p>Sign in to continue.</p>
<p><input name="email" type="email" placeholder="Email" required></p>
<p><input name="password" type="password" placeholder="Password" required></p><button>Sign in</button></form>
<form id="consent" hidden><p><label>Workspace <select name="workspace"></select></label></p>
<button name="allow" value="true">Allow</button><button name="allow" value="false">Deny</button></form>
<p id="error" role="alert"></p>
<script nonce="${nonce}">
const params = ${data};
const $ = (id) => document.getElementById(id);
const fail = (text) => { $('error').textContent = text; };
let token = localStorage.getItem('jokkaer.token');
async function api(method, path, body) {
  const response = await fetch(path, { method, headers: { 'content-type': 'application/json', accept: 'application/json',
    ...(token ? { authorization: 'Bearer ' + token } : {}) }, body: body && JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.detail || json.error_description || response.statusText);
  return json;
}
async function choose() {
  const { items } = await api('GET', '/api/v1/workspaces?limit=200');
  const mine = items.filter((w) => w.role === 'owner' || w.role === 'admin');
  if (mine.length === 0) return fail('Only workspace owners and admins can install apps.');
  for (const w of mine) $('consent').workspace.add(new Option(w.name, w.id));
  $('login').hidden = true; $('consent').hidden = false;
}
$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const session = await api('POST', '/api/v1/auth/login', { email: event.target.email.value, password: event.target.password.value });
    token = session.token; localStorage.setItem('jokkaer.token', token); await choose();
  } catch (error) { fail(error.message); }
});
$('consent').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const decision = { ...params, workspace_id: event.target.workspace.value, allowed: event.submitter.value };
    const { redirectTo } = await api('POST', '/oauth/authorize', decision);
    location.assign(redirectTo);
  } catch (error) { fail(error.message); }
});
(token ? choose().catch(() => { token = null; $('login').hidden = false; }) : Promise.resolve($('login').hidden = false));
</script></body></html>`;
  return {
    html,
    contentSecurityPolicy: `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  };
}

/** A page for a request that cannot be sent back to the app. */
export function renderErrorPage(message: string): ConsentPage {
  return {
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cannot install — Jōkkær</title></head><body><h1>This app cannot be installed</h1><p>${escape(message)}</p></body></html>`,
    contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
  };
}
