import { createServer, IncomingMessage, Server } from 'node:http';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * The first-party calendar plugin (plugins/calendar, built into its dist by the test setup) installed through
 * the API on a real server, reading feeds from a local ICS server that its admin allowed with `allowedHosts`.
 */
let server: TestServer;
let feeds: Server;
let feedsUrl: string;
const requests: IncomingMessage[] = [];
let admin: TestUser;
let member: TestUser;
let workspaceId: string;
let channelId: string;

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

/** A Google-shaped feed built around now: a daily series running at this moment, and an all-day event today. */
function teamFeed(): string {
  const now = Date.now();
  const today = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
  return [
    'BEGIN:VCALENDAR',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'VERSION:2.0',
    'X-WR-CALNAME:E2E Team',
    'BEGIN:VEVENT',
    `DTSTART:${stamp(now - 10 * 60_000)}`,
    `DTEND:${stamp(now + 50 * 60_000)}`,
    'RRULE:FREQ=DAILY;COUNT=10',
    'UID:design-sync@example.test',
    'SUMMARY:Design sync',
    'END:VEVENT',
    'BEGIN:VEVENT',
    `DTSTART;VALUE=DATE:${today}`,
    'UID:offsite@example.test',
    'SUMMARY:Offsite',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

beforeAll(async () => {
  feeds = createServer((request, response) => {
    requests.push(request);
    switch (request.url) {
      case '/team.ics':
        response.setHeader('content-type', 'text/calendar');
        response.end(teamFeed());
        return;
      case '/malformed.ics':
        response.end(
          'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY without a colon\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
        );
        return;
      case '/huge.ics':
        response.end(`BEGIN:VCALENDAR\r\nX-PADDING:${'x'.repeat(2 * 1024 * 1024)}\r\nEND:VCALENDAR\r\n`);
        return;
      case '/slow.ics':
        return; // never answers: the egress client gives up
      default:
        response.statusCode = 404;
        response.end('not found');
    }
  });
  await new Promise<void>((resolve) => feeds.listen(0, '127.0.0.1', resolve));
  feedsUrl = `http://127.0.0.1:${(feeds.address() as { port: number }).port}`;
  server = await startTestServer({ egressAllowNetworks: ['127.0.0.0/8'] });
  admin = await registerUser(server.url, 'Admin');
  member = await registerUser(server.url, 'Member');
  workspaceId = (await createWorkspace(admin)).id;
  await addToWorkspace(admin, workspaceId, member);
  channelId = (await createChannel(admin, workspaceId, 'public', 'team')).id;
  await member.api.post(`/api/v1/channels/${channelId}/join`);
}, 120_000);
afterAll(async () => {
  await server.close();
  feeds.closeAllConnections();
  feeds.close();
});

const install = (body: object) => admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/calendar`, body);
const cal = async (args: string) =>
  (await member.api.post(`/api/v1/channels/${channelId}/commands`, { text: `/cal ${args}` })).body as {
    responseType: string;
    text: string;
  };

describe('calendar plugin', () => {
  it('refuses settings and host patterns that fail the schema, naming the field', async () => {
    const settings = await install({ enabled: true, settings: { reminderMinutes: 'soon', timezone: 'UTC' } });
    expect(settings.status).toBe(400);
    expect(settings.headers.get('content-type')).toContain('application/problem+json');
    expect(settings.body.errors.map((e: { path: string }) => e.path)).toEqual(['settings/reminderMinutes']);
    const hosts = await install({ enabled: true, allowedHosts: ['https://cloud.example.org/'] });
    expect(hosts.status).toBe(400);
    expect(hosts.body.errors.map((e: { path: string }) => e.path)).toEqual(['allowedHosts/0']);
  });

  it('installs with settings and allowedHosts, and subscribes a channel to a feed on 127.0.0.1', async () => {
    const installed = await install({
      enabled: true,
      settings: { timezone: 'UTC', reminderMinutes: 5 },
      allowedHosts: ['127.0.0.1'],
    });
    expect(installed.status).toBe(200);
    expect(installed.body).toMatchObject({
      pluginId: 'calendar',
      settings: { timezone: 'UTC', reminderMinutes: 5 },
      allowedHosts: ['127.0.0.1'],
    });
    const listed = await admin.api.get(`/api/v1/workspaces/${workspaceId}/plugins`);
    expect(listed.body.items[0]).toMatchObject({ pluginId: 'calendar', allowedHosts: ['127.0.0.1'] });

    const added = await cal(`add ${feedsUrl}/team.ics`);
    expect(added).toEqual({
      responseType: 'in_channel',
      text: expect.stringMatching(
        /^📅 This channel now follows \*E2E Team\*: \d+ events in the next 8 days\.$/,
      ),
    });
    expect(requests.map((request) => request.url)).toContain('/team.ics');

    const today = await cal('today');
    expect(today.responseType).toBe('ephemeral');
    expect(today.text).toMatch(/^\*Today, /);
    expect(today.text).toContain('• all day *Offsite*');
    expect(today.text).toMatch(/• \d\d:\d\d–\d\d:\d\d \*Design sync\*/);
    const week = (await cal('week')).text;
    expect(week.match(/\*Design sync\*/g)?.length).toBeGreaterThanOrEqual(7);
    expect((await cal('list')).text).toContain(`1. *E2E Team* — ${feedsUrl}/team.ics`);
  });

  it('links a call started during an event to it', async () => {
    const started = await member.api.post(`/api/v1/channels/${channelId}/calls`);
    expect(started.status).toBeLessThan(300);
    const linked = await eventually(async () => {
      const messages = await member.api.get(`/api/v1/channels/${channelId}/messages`);
      return messages.body.items.find(
        (m: { text: string }) => m.text === '📞 A call started during *Design sync*',
      );
    }, 'the call linked to the event');
    expect(linked).toBeDefined();
  });

  it('answers bad feeds with the reason and keeps nothing of them', async () => {
    expect((await cal(`add ${feedsUrl}/malformed.ics`)).text).toContain('malformed calendar: invalid line');
    expect((await cal(`add ${feedsUrl}/missing.ics`)).text).toContain('the feed answered HTTP 404');
    expect((await cal(`add ${feedsUrl}/huge.ics`)).text).toContain('larger than the 1 MiB');
    expect((await cal(`add ${feedsUrl}/slow.ics`)).text).toContain('the feed did not answer in time');
    const list = (await cal('list')).text;
    expect(list).not.toContain('malformed');
    expect(list.match(/^\d+\. /gm)).toHaveLength(1);
  }, 20_000);

  it('fetches 127.0.0.1 only while the admin allows it', async () => {
    const reconfigured = await install({ enabled: true, allowedHosts: [] });
    expect(reconfigured.body.allowedHosts).toEqual([]);
    expect((await cal(`add ${feedsUrl}/other.ics`)).text).toContain(
      "127.0.0.1 is not an allowed host: a workspace admin can add it to this plugin's allowedHosts",
    );
  });
});
