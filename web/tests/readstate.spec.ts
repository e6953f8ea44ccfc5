import { test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { expect, openChannelMenu, seriousViolations } from './journeys';
import { unique } from './seed';

interface Person {
  id: string;
  token: string;
  session: unknown;
}

async function call<T>(
  request: APIRequestContext,
  token: string | null,
  method: string,
  path: string,
  body?: object,
) {
  const response = await request.fetch(path, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    data: body,
  });
  expect(response.ok(), `${method} ${path}: ${response.status()}`).toBe(true);
  return (response.status() === 204 ? undefined : await response.json()) as T;
}

async function register(request: APIRequestContext, name: string): Promise<Person> {
  const email = `${name.toLowerCase()}-${unique()}@example.test`;
  const session = await call<{ user: { id: string }; token: string }>(
    request,
    null,
    'POST',
    '/api/v1/auth/register',
    {
      email,
      password: 'correct horse battery',
      displayName: name,
    },
  );
  return { id: session.user.id, token: session.token, session };
}

/**
 * Set up through the API, so the journeys below start where they matter: Alice's workspace with #general and
 * #random (in that order in the sidebar), Bob invited and in both.
 */
async function workspaceOfTwo(request: APIRequestContext) {
  const [alice, bob] = [await register(request, 'Alice'), await register(request, 'Bob')];
  const slug = `rs-${unique()}`;
  const workspace = await call<{ id: string }>(request, alice.token, 'POST', '/api/v1/workspaces', {
    name: `Read state ${slug}`,
    slug,
  });
  const channel = (name: string) =>
    call<{ id: string }>(request, alice.token, 'POST', `/api/v1/workspaces/${workspace.id}/channels`, {
      name,
      kind: 'public',
    });
  const general = await channel('general');
  const random = await channel('random');
  const invite = await call<{ code: string }>(
    request,
    alice.token,
    'POST',
    `/api/v1/workspaces/${workspace.id}/invites`,
    {},
  );
  await call(request, bob.token, 'POST', `/api/v1/invites/${invite.code}/accept`);
  for (const joined of [general, random])
    await call(request, bob.token, 'POST', `/api/v1/channels/${joined.id}/join`);
  const post = (who: Person, channelId: string, text: string) =>
    call<{ id: string }>(request, who.token, 'POST', `/api/v1/channels/${channelId}/messages`, { text });
  const dm = (who: Person, other: Person) =>
    call<{ id: string }>(request, who.token, 'POST', `/api/v1/workspaces/${workspace.id}/dms`, {
      userIds: [other.id],
    });
  const href = (channelId: string) => `/w/${workspace.id}/c/${channelId}`;
  return { alice, bob, workspace, general, random, post, dm, href };
}

/** A browser context signed in as `person` (the client keeps its session in localStorage). */
async function signedIn(
  browser: Browser,
  person: Person,
  options: Parameters<Browser['newContext']>[0] = {},
) {
  const context = await browser.newContext(options);
  await context.addInitScript((session) => {
    localStorage.setItem('jokkaer.session', JSON.stringify(session));
  }, person.session);
  return context;
}

async function openAt(context: BrowserContext, path: string, heading: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(path);
  await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  return page;
}

const sidebarLink = (page: Page, name: RegExp) => page.getByRole('navigation').getByRole('link', { name });
/** A direct conversation's entry, found by its address (its name depends on the members list loading). */
const dmLink = (page: Page, channelId: string) => page.locator(`nav a[href$="/c/${channelId}"]`);

test('unread and mention badges appear and clear across two tabs, and for a second person', async ({
  browser,
  request,
}) => {
  const { alice, bob, general, random, post, dm, href } = await workspaceOfTwo(request);
  const bobContext = await signedIn(browser, bob);
  const [tab, otherTab] = [
    await openAt(bobContext, href(general.id), '# general'),
    await openAt(bobContext, href(general.id), '# general'),
  ];
  await post(alice, random.id, 'Hello everyone');
  await post(alice, random.id, `Have a look <@${bob.id}>`);
  for (const page of [tab, otherTab]) {
    await expect(sidebarLink(page, /^# random.*1 mention/)).toBeVisible();
    await expect(sidebarLink(page, /^# random/).locator('.channel-label')).toHaveClass(/unread/);
    await expect(page).toHaveTitle('(1) Jōkkær');
  }
  // A message in the channel one is reading raises nothing.
  await post(alice, general.id, `In general <@${bob.id}>`);
  await expect(tab.getByRole('log').getByText('In general')).toBeVisible();
  await expect(sidebarLink(tab, /^# general/).locator('.badge')).toHaveCount(0);

  // Reading #random in one tab clears it in the other, through channel.read.
  await sidebarLink(tab, /^# random/).click();
  await expect(tab.getByRole('heading', { name: '# random', exact: true })).toBeVisible();
  const line = tab.getByRole('separator', { name: 'New messages' });
  await expect(line).toBeVisible();
  // The line stands right above the first unread message.
  await expect(tab.locator('.message-row').filter({ has: line })).toContainText('Hello everyone');
  for (const page of [tab, otherTab]) {
    await expect(sidebarLink(page, /^# random/).locator('.badge')).toHaveCount(0);
    await expect(sidebarLink(page, /^# random/).locator('.channel-label')).not.toHaveClass(/unread/);
    await expect(page).toHaveTitle('Jōkkær');
  }
  // The line stays while the channel is open, and is gone after leaving and coming back read.
  await post(alice, random.id, 'One more');
  await expect(tab.getByRole('log').getByText('One more')).toBeVisible();
  await expect(line).toBeVisible();
  await expect(sidebarLink(tab, /^# random/).locator('.channel-label')).not.toHaveClass(/unread/);
  await sidebarLink(tab, /^# general/).click();
  await expect(tab.getByRole('heading', { name: '# general', exact: true })).toBeVisible();
  await sidebarLink(tab, /^# random/).click();
  await expect(tab.getByRole('log').getByText('One more')).toBeVisible();
  await expect(line).toHaveCount(0);

  // A second person: every message of a direct conversation counts, and badges in Alice's own sidebar.
  const aliceContext = await signedIn(browser, alice);
  const alicePage = await openAt(aliceContext, href(general.id), '# general');
  const conversation = await dm(bob, alice);
  await post(bob, conversation.id, 'Lunch?');
  await post(bob, conversation.id, 'At noon');
  await expect(dmLink(alicePage, conversation.id)).toHaveAccessibleName(/2 mentions/);
  await expect(alicePage).toHaveTitle('(2) Jōkkær');
  expect(await seriousViolations(alicePage), 'axe with badges').toEqual([]);
  await dmLink(alicePage, conversation.id).click();
  await expect(alicePage.getByRole('log').getByText('At noon')).toBeVisible();
  await expect(dmLink(alicePage, conversation.id).locator('.badge')).toHaveCount(0);
  await expect(alicePage).toHaveTitle('Jōkkær');
  // Bob's own messages never raised his own counts.
  await expect(dmLink(tab, conversation.id)).toBeVisible();
  await expect(dmLink(tab, conversation.id).locator('.badge')).toHaveCount(0);
  await bobContext.close();
  await aliceContext.close();
});

test('a mention or a direct message notifies while the tab is hidden, unless the channel is muted', async ({
  browser,
  request,
}) => {
  const { alice, bob, general, random, post, dm, href } = await workspaceOfTwo(request);
  const context = await signedIn(browser, bob, { permissions: ['notifications'] });
  // The tab looks hidden to the page; each `new Notification` is recorded (and still made).
  await context.addInitScript(() => {
    Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { get: () => true });
    const shown: Notification[] = [];
    (window as unknown as { shown: Notification[] }).shown = shown;
    window.Notification = class extends window.Notification {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(this);
      }
    };
  });
  const page = await openAt(context, href(general.id), '# general');
  const shown = () =>
    page.evaluate(() =>
      (window as unknown as { shown: Notification[] }).shown.map((n) => `${n.title}: ${n.body}`),
    );

  // Mute #random from its header: dimmed, and its unread messages no longer bold, but mentions still badge.
  await sidebarLink(page, /^# random/).click();
  await openChannelMenu(page);
  await page.getByRole('button', { name: 'Mute channel' }).click();
  await expect(page.getByRole('button', { name: 'Unmute channel' })).toBeVisible();
  await expect(sidebarLink(page, /^# random.*\(muted\)/)).toBeVisible();
  await sidebarLink(page, /^# general/).click();
  await expect(page.getByRole('heading', { name: '# general', exact: true })).toBeVisible();

  await post(alice, random.id, '@channel muted news');
  await post(alice, general.id, 'no mention here');
  await post(alice, general.id, `@here look <@${bob.id}>`);
  await expect.poll(shown).toEqual([`Alice · #general: @here look <@${bob.id}>`]);
  await expect(sidebarLink(page, /^# random.*1 mention/)).toBeVisible();
  await expect(sidebarLink(page, /^# random/).locator('.channel-label')).not.toHaveClass(/unread/);

  const conversation = await dm(alice, bob);
  await post(alice, conversation.id, 'A direct word');
  await expect.poll(shown).toHaveLength(2);
  expect((await shown())[1]).toBe('Alice: A direct word');
  // Clicking it opens the conversation.
  await page.evaluate(() =>
    (window as unknown as { shown: Notification[] }).shown[1]!.dispatchEvent(new Event('click')),
  );
  await expect(page).toHaveURL(new RegExp(`${href(conversation.id)}$`));
  await expect(page.getByRole('log').getByText('A direct word')).toBeVisible();
  await context.close();
});

test('desktop notifications are offered by a button, never asked for on load', async ({
  browser,
  request,
}) => {
  const { bob, general, href } = await workspaceOfTwo(request);
  const context = await signedIn(browser, bob);
  await context.addInitScript(() => {
    const asked: string[] = [];
    (window as unknown as { asked: string[] }).asked = asked;
    Notification.requestPermission = () => {
      asked.push('asked');
      return Promise.resolve('granted');
    };
  });
  const page = await openAt(context, href(general.id), '# general');
  const asked = () => page.evaluate(() => (window as unknown as { asked: string[] }).asked.length);
  expect(await asked()).toBe(0);
  await page.getByRole('button', { name: 'Enable desktop notifications' }).click();
  expect(await asked()).toBe(1);
  await expect(page.getByRole('button', { name: 'Enable desktop notifications' })).toHaveCount(0);
  await context.close();
});

test('Alt+↑/↓ walk the sidebar, Alt+Shift+↓ jumps to the unread, Ctrl+K switches', async ({
  browser,
  request,
}) => {
  const { alice, bob, general, random, post, dm, href } = await workspaceOfTwo(request);
  const conversation = await dm(bob, alice);
  const page = await openAt(await signedIn(browser, bob), href(general.id), '# general');
  await page.keyboard.press('Alt+ArrowDown');
  await expect(page).toHaveURL(new RegExp(`${href(random.id)}$`));
  await page.keyboard.press('Alt+ArrowDown');
  await expect(page).toHaveURL(new RegExp(`${href(conversation.id)}$`));
  await page.keyboard.press('Alt+ArrowUp');
  await expect(page).toHaveURL(new RegExp(`${href(random.id)}$`));

  await page.getByRole('link', { name: /^# general/ }).click();
  await post(alice, conversation.id, 'ping');
  await expect(dmLink(page, conversation.id)).toHaveAccessibleName(/1 mention/);
  await page.keyboard.press('Alt+Shift+ArrowDown');
  await expect(page).toHaveURL(new RegExp(`${href(conversation.id)}$`));

  await page.keyboard.press('Control+k');
  const dialog = page.getByRole('dialog', { name: 'Jump to a conversation' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('option')).toHaveCount(3);
  await page.keyboard.type('rand');
  await expect(dialog.getByRole('option')).toHaveCount(1);
  expect(await seriousViolations(page), 'axe on the switcher').toEqual([]);
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`${href(random.id)}$`));

  await page.keyboard.press('Control+k');
  await page.keyboard.press('ArrowDown');
  await expect(dialog.getByRole('option', { selected: true })).toHaveText(/random/);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`${href(random.id)}$`));
});
