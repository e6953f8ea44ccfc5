import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createTestHost,
  type TestFetch,
  type TestHost,
  type TestHostOptions,
} from '@jokkaer/sdk-plugin/testing';

/**
 * The calendar plugin in the SDK's harness: real-world feeds from fixtures/ics, served by a fake `fetch`, and
 * the harness clock standing in for "now" (the plugin reads it through `ctx.now()`).
 */

const ics = (name: string) => readFileSync(path.join(__dirname, '../../fixtures/ics', name), 'utf8');
const GOOGLE = 'https://calendar.google.com/calendar/ical/team%40example.com/public/basic.ics';
const OUTLOOK = 'https://outlook.office365.com/owa/calendar/4f1e/9c2d/calendar.ics';
const NEXTCLOUD = 'https://cloud.example.org/remote.php/dav/public-calendars/AbC123?export';
const feeds: Record<string, () => string> = {
  [GOOGLE]: () => ics('google-berlin.ics'),
  [OUTLOOK]: () => ics('outlook-windows-tz.ics'),
  [NEXTCLOUD]: () => ics('nextcloud-allday-dst.ics'),
};
const serveFixtures: TestFetch = ({ url }) =>
  feeds[url] ? { body: feeds[url](), headers: { 'content-type': 'text/calendar' } } : { status: 404 };

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (isoTime: string) => new Date(isoTime).getTime();

const hosts: TestHost[] = [];
afterEach(() => hosts.splice(0).forEach((host) => host.dispose()));

async function start(options: Partial<TestHostOptions> = {}): Promise<TestHost> {
  const host = await createTestHost({
    entry: path.join(__dirname, 'index.ts'),
    manifest: path.join(__dirname, 'plugin.json'),
    settings: { timezone: 'Europe/Berlin' },
    // Sunday before the DST change (Sunday 29 March 2026 in Europe).
    startTime: new Date('2026-03-22T12:00:00Z'),
    fetch: serveFixtures,
    ...options,
  });
  hosts.push(host);
  return host;
}

/** Moves the harness clock to an instant. */
const setTime = (host: TestHost, isoTime: string) => host.advanceTime(ms(isoTime) - host.now());

async function cal(host: TestHost, args: string): Promise<{ text: string; responseType: string }> {
  const result = await host.runCommand('/cal', { args });
  if (!result.ok) throw new Error(`/cal ${args} failed: ${result.message}`);
  return result.value as { text: string; responseType: string };
}

/** The cached occurrences of every feed of the host's channel, as [title, start, end] in UTC. */
function cached(host: TestHost): [string, string, string][] {
  return [...host.kv.entries()]
    .filter(([key]) => key.startsWith(`occ/${host.channelId}/`))
    .flatMap(([, entry]) => entry.value as { title: string; start: number; end: number }[])
    .map((o): [string, string, string] => [o.title, iso(o.start), iso(o.end)])
    .sort((a, b) => a[1].localeCompare(b[1]));
}

describe('calendar plugin', () => {
  it('expands a Google feed in Europe/Berlin: right UTC instants across DST, EXDATE and overrides applied', async () => {
    const host = await start();
    const added = await cal(host, `add ${GOOGLE}`);
    expect(added).toEqual({
      responseType: 'in_channel',
      text: '📅 This channel now follows *Team Berlin*: 3 events in the next 8 days.',
    });
    expect(cached(host)).toEqual([
      // 09:00 CET, then 09:00 CEST after 29 March: the same wall-clock time, an hour apart in UTC.
      ['Standup', '2026-03-23T08:00:00.000Z', '2026-03-23T08:15:00.000Z'],
      ['Release review', '2026-03-25T14:00:00.000Z', '2026-03-25T15:00:00.000Z'],
      ['Standup', '2026-03-30T07:00:00.000Z', '2026-03-30T07:15:00.000Z'],
    ]);
    const week = (await cal(host, 'week')).text;
    expect(week).toBe(
      '*Mon 23 Mar*\n• 09:00–09:15 *Standup* (Room Spree)\n\n' +
        '*Wed 25 Mar*\n• 15:00–16:00 *Release review*\n' +
        '_Times in Europe/Berlin._',
    );

    // Two weeks on: 6 April is an EXDATE, and 13 April's occurrence was moved and renamed.
    setTime(host, '2026-04-05T12:00:00Z');
    expect(await host.runSchedule('refresh')).toMatchObject({ ok: true });
    expect(cached(host)).toEqual([
      ['Standup (moved after the offsite)', '2026-04-13T08:30:00.000Z', '2026-04-13T08:45:00.000Z'],
    ]);
    // 20 April's occurrence is cancelled through a RECURRENCE-ID override with STATUS:CANCELLED.
    setTime(host, '2026-04-14T12:00:00Z');
    await host.runSchedule('refresh');
    expect(cached(host).filter(([, start]) => start.startsWith('2026-04-20'))).toEqual([]);
    setTime(host, '2026-04-21T12:00:00Z');
    await host.runSchedule('refresh');
    expect(cached(host)).toEqual([['Standup', '2026-04-27T07:00:00.000Z', '2026-04-27T07:15:00.000Z']]);
  });

  it('reads an Outlook feed whose TZIDs are Windows names defined by its VTIMEZONEs', async () => {
    const host = await start();
    await cal(host, `add ${OUTLOOK}`);
    expect(cached(host)).toEqual([
      ['Quarterly planning', '2026-03-24T13:00:00.000Z', '2026-03-24T14:30:00.000Z'],
      // 08:00 in Seattle, already on daylight time (since 8 March), while Berlin is not yet.
      ['Vendor call (Seattle)', '2026-03-24T15:00:00.000Z', '2026-03-24T15:30:00.000Z'],
      ['Team day', '2026-03-26T23:00:00.000Z', '2026-03-27T23:00:00.000Z'],
    ]);
    setTime(host, '2026-03-24T06:00:00Z');
    expect((await cal(host, 'today')).text).toBe(
      '*Today, Tue 24 Mar*\n• 14:00–15:30 *Quarterly planning* (Konferenzraum 3)\n' +
        '• 16:00–16:30 *Vendor call (Seattle)* (Microsoft Teams Meeting)\n_Times in Europe/Berlin._',
    );
  });

  it('shows all-day events as dates and an event across the DST change with its real length', async () => {
    const host = await start({ allowedHosts: ['cloud.example.org'] });
    expect((await cal(host, `add ${NEXTCLOUD}`)).text).toContain('*Office (Nextcloud)*');
    expect(cached(host)).toContainEqual([
      'Night shift',
      // 22:00 CET to 06:00 CEST: seven hours, not eight.
      '2026-03-28T21:00:00.000Z',
      '2026-03-29T04:00:00.000Z',
    ]);
    const week = (await cal(host, 'week')).text;
    expect(week).toContain('*Mon 23 Mar*\n• all day *Recycling pickup*');
    expect(week).toContain('*Thu 26 Mar*\n• all day *Company offsite* (Leipzig)');
    expect(week).toContain('*Fri 27 Mar*\n• all day *Company offsite* (Leipzig)');
    // DTEND;VALUE=DATE is exclusive: the offsite is over on Saturday.
    expect(week).toContain('*Sat 28 Mar*\n• 22:00–06:00 *Night shift* (Data centre)');
    expect(week).not.toMatch(/Sat 28 Mar\*\n• all day/);
    setTime(host, '2026-03-26T09:00:00Z');
    expect((await cal(host, 'today')).text).toBe(
      '*Today, Thu 26 Mar*\n• all day *Company offsite* (Leipzig)\n_Times in Europe/Berlin._',
    );
    // The shift shows on the day it ends too.
    setTime(host, '2026-03-29T01:00:00Z');
    expect((await cal(host, 'today')).text).toBe(
      '*Today, Sun 29 Mar*\n• 22:00–06:00 *Night shift* (Data centre)\n_Times in Europe/Berlin._',
    );
  });

  it('reads IANA TZIDs without VTIMEZONE (DST gap included), floating times in X-WR-TIMEZONE, and skips unreadable events', async () => {
    const feed = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Hand written//EN',
      'X-WR-TIMEZONE:Asia/Tokyo',
      'BEGIN:VEVENT',
      'UID:ny',
      'DTSTART;TZID=America/New_York:20260324T090000',
      'DTEND;TZID=America/New_York:20260324T100000',
      'SUMMARY:New York standup',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:tokyo',
      'DTSTART:20260324T100000',
      'DTEND:20260324T110000',
      'SUMMARY:Floating in Tokyo',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:gap',
      // Does not exist: clocks go from 02:00 to 03:00 that night. RFC 5545 reads it with the old offset.
      'DTSTART;TZID=Europe/Berlin:20260329T023000',
      'SUMMARY:In the DST gap',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:broken',
      'DTSTART:2026',
      'SUMMARY:Broken date',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const host = await start({ fetch: () => ({ body: feed }) });
    expect((await cal(host, `add ${GOOGLE}`)).text).toBe(
      '📅 This channel now follows *calendar.google.com*: 3 events in the next 8 days (1 unreadable events left out).',
    );
    expect(cached(host)).toEqual([
      ['Floating in Tokyo', '2026-03-24T01:00:00.000Z', '2026-03-24T02:00:00.000Z'],
      ['New York standup', '2026-03-24T13:00:00.000Z', '2026-03-24T14:00:00.000Z'],
      ['In the DST gap', '2026-03-29T01:30:00.000Z', '2026-03-29T01:30:00.000Z'],
    ]);
  });

  it('fetches only the manifest’s hosts and those the admin allowed, and says how to allow one', async () => {
    const host = await start();
    expect((await cal(host, `add ${NEXTCLOUD}`)).text).toBe(
      `Could not add ${NEXTCLOUD}: cloud.example.org is not an allowed host: ` +
        "a workspace admin can add it to this plugin's allowedHosts.",
    );
    expect(host.calls.filter((call) => call.method === 'http.fetch')[0].error).toContain(
      'not an allowed host',
    );
    // webcal:// is what calendar apps hand out: it means https.
    await cal(host, `add ${GOOGLE.replace('https://', 'webcal://')}`);
    expect((await cal(host, 'list')).text).toMatch(
      /^1\. \*Team Berlin\* — https:\/\/calendar\.google\.com\//,
    );
  });

  it('posts each reminder once, reminderMinutes before the start, and none for all-day events', async () => {
    const host = await start({
      settings: { timezone: 'Europe/Berlin', reminderMinutes: 10 },
      allowedHosts: ['cloud.example.org'],
    });
    await cal(host, `add ${GOOGLE}`);
    await cal(host, `add ${NEXTCLOUD}`);
    setTime(host, '2026-03-23T07:49:00Z');
    await host.runSchedule('remind');
    expect(host.posted).toEqual([]);
    setTime(host, '2026-03-23T07:50:00Z');
    expect(await host.runSchedule('remind')).toMatchObject({ ok: true });
    await host.runSchedule('remind');
    host.advanceTime(60_000);
    await host.runSchedule('remind');
    expect(host.posted.map((m) => [m.channelId, m.text])).toEqual([
      [host.channelId, '⏰ *Standup* starts in 10 min (09:00–09:15 Europe/Berlin) · Room Spree'],
    ]);
    // Two runs at once still post one reminder.
    setTime(host, '2026-03-25T13:52:00Z');
    await Promise.all([host.runSchedule('remind'), host.runSchedule('remind')]);
    expect(host.posted.map((m) => m.text)).toEqual([
      expect.stringContaining('*Standup*'),
      '⏰ *Release review* starts in 8 min (15:00–16:00 Europe/Berlin)',
    ]);
    // The offsite (all day from midnight in Berlin) gets no reminder.
    setTime(host, '2026-03-25T22:55:00Z');
    await host.runSchedule('remind');
    expect(host.posted).toHaveLength(2);
  });

  it('posts no reminders when reminderMinutes is 0', async () => {
    const host = await start({ settings: { timezone: 'Europe/Berlin', reminderMinutes: 0 } });
    await cal(host, `add ${GOOGLE}`);
    setTime(host, '2026-03-23T07:55:00Z');
    await host.runSchedule('remind');
    expect(host.posted).toEqual([]);
  });

  it('links a call started during an event to it, in the reminder’s thread, once', async () => {
    const host = await start();
    await cal(host, `add ${GOOGLE}`);
    setTime(host, '2026-03-23T07:50:00Z');
    await host.runSchedule('remind');
    const reminder = host.posted[0];
    setTime(host, '2026-03-23T08:02:00Z');
    const call = {
      id: randomUUID(),
      channelId: host.channelId,
      participants: [host.userId],
      workspaceId: host.workspaceId,
    };
    expect(await host.dispatchEvent('call.started', call)).toMatchObject({ ok: true });
    await host.dispatchEvent('call.started', call); // delivered twice
    expect(host.posted.slice(1).map((m) => [m.text, m.threadId])).toEqual([
      ['📞 A call started during *Standup*', reminder.id],
    ]);
    // In another channel, or after the standup, a call is just a call.
    await host.dispatchEvent('call.started', { ...call, id: randomUUID(), channelId: randomUUID() });
    setTime(host, '2026-03-23T08:20:00Z');
    await host.dispatchEvent('call.started', { ...call, id: randomUUID() });
    expect(host.posted).toHaveLength(2);
  });

  it('links a call to an event without a reminder in the channel itself', async () => {
    const host = await start();
    await cal(host, `add ${GOOGLE}`);
    setTime(host, '2026-03-25T14:30:00Z');
    const call = {
      id: randomUUID(),
      channelId: host.channelId,
      participants: [],
      workspaceId: host.workspaceId,
    };
    await host.dispatchEvent('call.started', call);
    expect(host.posted.map((m) => [m.text, m.threadId])).toEqual([
      ['📞 A call started during *Release review*', null],
    ]);
  });

  describe('bad feeds', () => {
    const refused = async (body: TestFetch, expected: string) => {
      const host = await start({ fetch: body });
      expect((await cal(host, `add ${GOOGLE}`)).text).toBe(`Could not add ${GOOGLE}: ${expected}.`);
      // Nothing was subscribed.
      expect((await cal(host, 'list')).text).toContain('follows no calendar');
      expect([...host.kv.keys()]).toEqual([]);
    };

    it('refuses a malformed feed, naming the problem', () =>
      refused(
        () => ({ body: ics('malformed.ics') }),
        'malformed calendar: invalid line (no token ";" or ":") "SUMMARY Release review (the colon went missing)"',
      ));

    it('refuses a page that is not a calendar', () =>
      refused(
        () => ({ body: '<!doctype html><title>Sign in</title>' }),
        'not a calendar (no BEGIN:VCALENDAR)',
      ));

    it('refuses an HTTP error', () =>
      refused(() => ({ status: 404, body: 'Not found' }), 'the feed answered HTTP 404'));

    it('refuses a feed larger than the egress cap', () =>
      refused(
        () => ({ body: `${ics('google-berlin.ics')}X-PADDING:${'x'.repeat(1_100_000)}\r\n` }),
        'the feed is larger than the 1 MiB a plugin may fetch',
      ));

    it('refuses a feed that times out (the egress client gives up after 5 s)', () =>
      refused(() => {
        throw new Error('fetch refused: no complete answer within 5000 ms');
      }, 'the feed did not answer in time'));

    it('refuses what is not an http(s) URL without fetching', async () => {
      const host = await start();
      expect((await cal(host, 'add ftp://calendar.google.com/x.ics')).text).toMatch(
        /^`ftp:\/\/calendar\.google\.com\/x\.ics` is not an http\(s\) or webcal URL\.\nUsage:/,
      );
      expect(host.calls.filter((call) => call.method === 'http.fetch')).toEqual([]);
    });

    it('keeps the last good data when a refresh breaks, and shows the error in /cal list', async () => {
      let body = ics('google-berlin.ics');
      const host = await start({ fetch: () => ({ body }) });
      await cal(host, `add ${GOOGLE}`);
      body = ics('malformed.ics');
      host.advanceTime(15 * 60_000);
      expect(await host.runSchedule('refresh')).toMatchObject({ ok: true });
      const list = (await cal(host, 'list')).text;
      expect(list).toContain('1. *Team Berlin*');
      expect(list).toContain('⚠️ last refresh failed: malformed calendar: invalid line');
      expect(list).toContain('(data from 13:00)');
      expect((await cal(host, 'week')).text).toContain('*Standup*');
      // Once the feed is fixed, the next refresh clears the error.
      body = ics('google-berlin.ics');
      await host.runSchedule('refresh');
      expect((await cal(host, 'list')).text).toContain('3 upcoming events, updated 13:15');
    });
  });

  it('lists and removes subscriptions, by number or URL, and answers usage otherwise', async () => {
    const host = await start();
    await cal(host, `add ${GOOGLE}`);
    await cal(host, `add ${OUTLOOK}`);
    expect((await cal(host, `add ${GOOGLE}`)).text).toBe('This channel already follows that calendar.');
    expect((await cal(host, 'list')).text).toMatch(
      /^1\. \*Team Berlin\*.*\n.*\n2\. \*Kalender\* — https:\/\/outlook/,
    );
    expect(await cal(host, '1')).toEqual({
      responseType: 'ephemeral',
      text: expect.stringMatching(/^Usage: /),
    });
    expect((await cal(host, 'remove 1')).text).toBe('This channel no longer follows *Team Berlin*.');
    expect(cached(host).map(([title]) => title)).not.toContain('Standup');
    expect((await cal(host, `remove ${OUTLOOK}`)).text).toBe('This channel no longer follows *Kalender*.');
    expect((await cal(host, 'remove 1')).text).toContain('No calendar "1" here');
    expect((await cal(host, 'today')).text).toContain('follows no calendar');
    expect((await cal(host, '')).text).toMatch(/^Usage: /);
  });

  it('refuses settings that fail the schema, naming the field', async () => {
    await expect(start({ settings: { reminderMinutes: -5 } })).rejects.toThrow(/reminderMinutes/);
    await expect(start({ settings: { timezone: 'Berlin time' } })).rejects.toThrow(/timezone/);
    await expect(start({ settings: { colour: 'red' } })).rejects.toThrow(/colour/);
  });
});
