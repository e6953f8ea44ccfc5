import { test, type Locator, type Page } from '@playwright/test';
import { expect, seriousViolations } from './journeys';
import { seed, signedIn, type SeededUser } from './seed';

/** What the walk runs in: Alice's workspace with #general (a message, a thread) and a DM with Bob. */
interface World {
  channelUrl: string;
  threadUrl: string;
  /** The workspace's admin console (Alice owns the workspace); its sections add their states below. */
  adminUrl: string;
  /** The admin console of a workspace the instance admin owns. */
  operatorAdminUrl: string;
  /** The OAuth consent page (server-rendered) of an app registered in Alice's workspace. */
  consentUrl: string;
}

/**
 * A state of the client to check: who looks (a visitor, Alice in her workspace, or Newcomer in none), how to
 * get there, and what shows it is ready. Screens and dialogs added later go in this list.
 */
interface PageState {
  name: string;
  as: 'visitor' | 'alice' | 'newcomer' | 'operator';
  open: (page: Page, world: World) => Promise<unknown>;
  ready: (page: Page) => Locator;
  /**
   * Checked again in the dark theme, which changes colours only: its contrast (a few states cover the tokens;
   * each axe run costs seconds).
   */
  alsoDark?: true;
}

const openDialog = (button: string | RegExp) => async (page: Page, world: World) => {
  await page.goto(world.channelUrl);
  await page.getByRole('button', { name: button }).click();
};

const STATES: PageState[] = [
  {
    name: 'sign-in',
    alsoDark: true,
    as: 'visitor',
    open: (page) => page.goto('/signin'),
    ready: (page) => page.getByRole('button', { name: 'Sign in' }),
  },
  {
    name: 'sign-up',
    as: 'visitor',
    open: (page) => page.goto('/signup'),
    ready: (page) => page.getByRole('button', { name: 'Create an account' }),
  },
  {
    name: 'home, in no workspace yet',
    as: 'newcomer',
    open: (page) => page.goto('/'),
    ready: (page) => page.getByText('You are not in any workspace yet.'),
  },
  {
    name: 'create workspace dialog',
    as: 'newcomer',
    open: async (page) => {
      await page.goto('/');
      await page.getByRole('button', { name: 'Create a workspace' }).first().click();
    },
    ready: (page) => page.getByRole('dialog').getByLabel('Workspace name'),
  },
  {
    name: 'channel',
    as: 'alice',
    open: (page, world) => page.goto(world.channelUrl),
    ready: (page) => page.getByRole('log').getByText('Welcome to general'),
  },
  {
    name: 'thread panel',
    alsoDark: true,
    as: 'alice',
    open: (page, world) => page.goto(world.threadUrl),
    ready: (page) => page.getByRole('complementary', { name: 'Thread' }).getByText('A first reply'),
  },
  {
    name: 'create channel dialog',
    as: 'alice',
    open: openDialog('+ Create a channel'),
    ready: (page) => page.getByRole('dialog').getByLabel('Channel name'),
  },
  {
    name: 'browse channels dialog',
    as: 'alice',
    open: openDialog('Browse channels'),
    ready: (page) => page.getByRole('dialog').getByRole('button', { name: 'Join #random' }),
  },
  {
    name: 'new DM dialog',
    alsoDark: true,
    as: 'alice',
    open: openDialog('+ New direct message'),
    ready: (page) => page.getByRole('dialog').getByRole('button', { name: 'Message Bob' }),
  },
  {
    name: 'invite dialog',
    as: 'alice',
    open: openDialog('Invite people'),
    ready: (page) => page.getByRole('dialog').getByRole('textbox', { name: 'Invite people' }),
  },
  {
    name: 'admin console: members',
    alsoDark: true,
    as: 'alice',
    open: (page, world) => page.goto(`${world.adminUrl}/members`),
    ready: (page) => page.getByRole('cell', { name: 'Owner' }),
  },
  {
    name: 'admin console: plugin catalogue',
    as: 'alice',
    open: (page, world) => page.goto(`${world.adminUrl}/plugins`),
    ready: (page) => page.getByRole('link', { name: 'Calendar' }),
  },
  {
    name: 'admin console: a plugin reviewed, its settings form open',
    alsoDark: true,
    as: 'alice',
    open: async (page, world) => {
      await page.goto(`${world.adminUrl}/plugins?plugin=calendar`);
      await page.getByRole('button', { name: 'I have reviewed these permissions: continue' }).click();
    },
    ready: (page) => page.getByRole('button', { name: 'Install and enable' }),
  },
  {
    name: 'admin console: an installed plugin with its log, a setting refused',
    as: 'alice',
    open: async (page, world) => {
      await page.goto(`${world.adminUrl}/plugins?plugin=tasks`);
      await page.getByLabel('Reminder lead minutes').fill('-1');
      await page.getByRole('button', { name: 'Save settings' }).click();
    },
    ready: (page) => page.getByText('must be >= 0'),
  },
  {
    name: 'admin console: plugins, with the upload an instance admin sees',
    as: 'operator',
    open: (page, world) => page.goto(`${world.operatorAdminUrl}/plugins`),
    ready: (page) => page.getByRole('region', { name: 'Add a plugin to the catalogue' }),
  },
  {
    name: 'admin console: webhooks, with a delivery log open',
    alsoDark: true,
    as: 'alice',
    open: async (page, world) => {
      await page.goto(`${world.adminUrl}/webhooks`);
      await page.getByRole('button', { name: 'Delivery log' }).click();
    },
    ready: (page) => page.getByRole('cell', { name: /message\.created/ }),
  },
  {
    name: 'admin console: apps and tokens',
    alsoDark: true,
    as: 'alice',
    open: (page, world) => page.goto(`${world.adminUrl}/apps`),
    ready: (page) => page.getByRole('cell', { name: 'Standup' }).first(),
  },
  {
    name: 'OAuth consent page (server-rendered, in the client’s look), signing in',
    alsoDark: true,
    as: 'visitor',
    open: (page, world) => page.goto(world.consentUrl),
    ready: (page) => page.getByRole('button', { name: 'Sign in' }),
  },
  {
    name: 'an address the client has no screen for',
    as: 'visitor',
    open: (page) => page.goto('/no/such/page'),
    ready: (page) => page.getByRole('heading', { name: 'Page not found' }),
  },
];

test('axe-core finds no serious or critical violation on any page or dialog, light or dark (contrast)', async ({
  browser,
  request,
}) => {
  test.setTimeout(600_000);
  const alice = await seed.user(request, 'Alice');
  const bob = await seed.user(request, 'Bob');
  const newcomer = await seed.user(request, 'Newcomer');
  const operator = await seed.instanceAdmin(request);
  const operatorWorkspace = await seed.workspace(request, operator);
  const workspace = await seed.workspace(request, alice, [bob]);
  const general = await seed.channel(request, workspace.id, alice, 'general', [bob]);
  await seed.channel(request, workspace.id, bob, 'random');
  await seed.dm(request, workspace.id, alice, bob);
  // Mentions, one of the reader (Alice): both marks are checked for contrast, light and dark (thread panel).
  const root = await seed.post(request, general.id, alice, `Welcome to general, <@${bob.user.id}>`);
  await seed.reply(request, general.id, bob, root.id, `A first reply for <@${alice.user.id}>`);
  const installed = await request.put(`/api/v1/workspaces/${workspace.id}/plugins/tasks`, {
    headers: { authorization: `Bearer ${alice.token}` },
    data: { enabled: true },
  });
  expect(installed.ok()).toBe(true);
  const { consentUrl } = await seed.integrations(request, workspace.id, general.id, alice);
  await seed.post(request, general.id, alice, 'Delivered to the webhook');
  const channelUrl = `/w/${workspace.id}/c/${general.id}`;
  const world: World = {
    channelUrl,
    threadUrl: `${channelUrl}/t/${root.id}`,
    adminUrl: `/w/${workspace.id}/admin`,
    operatorAdminUrl: `/w/${operatorWorkspace.id}/admin`,
    consentUrl,
  };

  const people: Record<PageState['as'], SeededUser | undefined> = {
    visitor: undefined,
    alice,
    newcomer,
    operator,
  };
  const pages = new Map<PageState['as'], Page>();
  const pageOf = async (as: PageState['as']) => {
    const person = people[as];
    const page =
      pages.get(as) ??
      (person ? await signedIn(browser, person) : await (await browser.newContext()).newPage());
    pages.set(as, page);
    return page;
  };

  const found: string[] = [];
  for (const state of STATES) {
    const page = await pageOf(state.as);
    await state.open(page, world);
    await expect(state.ready(page), state.name).toBeVisible();
    await page.emulateMedia({ colorScheme: 'light' });
    found.push(...(await seriousViolations(page)).map((violation) => `${state.name}: ${violation}`));
    if (state.alsoDark) {
      await page.emulateMedia({ colorScheme: 'dark' });
      found.push(
        ...(await seriousViolations(page, ['color-contrast'])).map(
          (violation) => `${state.name}, dark: ${violation}`,
        ),
      );
    }
    await page.emulateMedia({ colorScheme: null });
  }
  console.log(
    `axe: ${STATES.length} page states (${STATES.filter((state) => state.alsoDark).length} again in dark), ${found.length} serious or critical violations`,
  );
  expect(found).toEqual([]);
  for (const page of pages.values()) await page.context().close();
});
