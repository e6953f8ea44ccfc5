import { escapeHtml as escape, renderServerPage, ServerPage } from '../common/server-page';

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

export type ConsentPage = ServerPage;

/**
 * The consent screen for `GET /oauth/authorize`, in the client's look. It signs the person in (or uses the web
 * client's session),
 * lets them pick a workspace they administer, and sends the decision to `POST /oauth/authorize`, which
 * answers where the browser goes next. Every value from the request is escaped, in HTML and in the script.
 */
export function renderConsentPage(
  app: { name: string; scopes: string[] },
  params: Record<string, string>,
): ConsentPage {
  const scopes = app.scopes.map(
    (scope) => `<li><code>${escape(scope)}</code> — ${escape(SCOPE_TEXT[scope] ?? scope)}</li>`,
  );
  const data = JSON.stringify(params).replace(/</g, '\\u003c');
  return renderServerPage({
    title: `Install ${app.name}`,
    formAction: "'self'",
    body: `<div class="stack"><h1>Install <span id="app">${escape(app.name)}</span>?</h1>
<p>It asks to:</p><ul id="scopes">${scopes.join('')}</ul>
<form id="login" class="stack" hidden><p class="muted">Sign in to continue.</p>
<label>Email <input name="email" type="email" placeholder="Email" autocomplete="email" required></label>
<label>Password <input name="password" type="password" placeholder="Password" autocomplete="current-password" required></label>
<button class="button primary">Sign in</button></form>
<form id="consent" class="stack" hidden><label>Workspace <select name="workspace"></select></label>
<div class="actions"><button class="button" name="allow" value="false">Deny</button>
<button class="button primary" name="allow" value="true">Allow</button></div></form>
<p id="error" class="error" role="alert"></p></div>`,
    script: `const params = ${data};
const $ = (id) => document.getElementById(id);
const fail = (text) => { $('error').textContent = text; };
// The web client's session (web/src/lib/session.ts), shared both ways: signing in here signs the client in.
const SESSION_KEY = 'jokkaer.session';
let token = null;
try { token = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null')?.token ?? null; } catch {}
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
    token = session.token; localStorage.setItem(SESSION_KEY, JSON.stringify(session)); await choose();
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
(token ? choose().catch(() => { token = null; $('login').hidden = false; }) : Promise.resolve($('login').hidden = false));`,
  });
}

/** A page for a request that cannot be sent back to the app. */
export function renderErrorPage(message: string): ConsentPage {
  return renderServerPage({
    title: 'Cannot install',
    body: `<div class="stack"><h1>This app cannot be installed</h1><p>${escape(message)}</p></div>`,
  });
}
