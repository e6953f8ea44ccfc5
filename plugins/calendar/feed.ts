import type { PluginContext } from '@jokkaer/sdk-plugin';
import { FeedError, parseFeed, type ParsedFeed } from './ics';

/** How far ahead occurrences are kept: `/cal week` and reminders read this window. */
export const WINDOW_DAYS = 8;
const DAY = 86_400_000;
/** With the egress client's 5 s per request, a command's 20 s cover the redirects. */
const MAX_REDIRECTS = 2;
const URL_PATTERN = /^https?:\/\/([^\s/?#@:]+|\[[0-9a-f:.]+\])(?::\d{1,5})?(?:[/?#]\S*)?$/i;

/** The window kept at `now`: from a day back (so today's earlier events still show) to WINDOW_DAYS ahead. */
export const windowAt = (now: number) => ({ from: now - DAY, to: now + WINDOW_DAYS * DAY });

/**
 * A feed URL as people paste it: `webcal://` (what Google, Apple and Outlook offer) means https, and Markdown-style
 * angle brackets are dropped. Null when it is not an http(s) URL (the sandbox has no `URL` to parse with).
 */
export function normalizeUrl(input: string): string | null {
  const url = input
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .replace(/^webcals?:\/\//i, 'https://');
  return url.length <= 2048 && URL_PATTERN.test(url) ? url : null;
}

export const hostOf = (url: string) => URL_PATTERN.exec(url)?.[1].toLowerCase() ?? '';

/** The egress client's and the harness's refusals, said for the person who typed the URL. */
function explain(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/not an allowed host/.test(message))
    return `${hostOf(url)} is not an allowed host: a workspace admin can add it to this plugin's allowedHosts`;
  if (/larger than/.test(message)) return 'the feed is larger than the 1 MiB a plugin may fetch';
  if (/within \d+ ms|timed? ?out/i.test(message)) return 'the feed did not answer in time';
  return `the feed could not be fetched (${message.replace(/^(http\.fetch: )?(fetch refused: )?/, '')})`;
}

/**
 * Fetches a feed and expands it into the window at `now`. Redirects are followed (each target passes the same
 * host check); every failure is a FeedError whose message says what to do.
 */
export async function loadFeed(
  ctx: PluginContext,
  url: string,
  now: number,
  zone: string,
): Promise<ParsedFeed> {
  let target = url;
  for (let redirects = 0; ; redirects++) {
    let response: Awaited<ReturnType<PluginContext['http']['fetch']>>;
    try {
      response = await ctx.http.fetch(target, { headers: { accept: 'text/calendar, */*;q=0.5' } });
    } catch (error) {
      throw new FeedError(explain(error, target));
    }
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location && redirects < MAX_REDIRECTS) {
      // A path alone is relative to the host that answered.
      const absolute = /^\/(?!\/)/.test(location)
        ? target.replace(/^(https?:\/\/[^/?#]+).*$/i, '$1') + location
        : location;
      const next = normalizeUrl(absolute);
      if (!next)
        throw new FeedError(`the feed redirects to ${location.slice(0, 200)}, which is not an http(s) URL`);
      target = next;
      continue;
    }
    if (response.status < 200 || response.status >= 300)
      throw new FeedError(`the feed answered HTTP ${response.status}`);
    return parseFeed(response.body, windowAt(now), zone);
  }
}
