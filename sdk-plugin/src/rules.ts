/**
 * Validation rules that the server, the test harness and plugins share: each is defined here, once. Free of
 * imports, so any bundle can take them.
 */

/** The longest message text, everywhere a message is written (API, webhooks, Slack methods, plugins). */
export const MAX_TEXT_LENGTH = 40_000;

/** A UUID as the server writes ids, without anchors (to find ids inside text, such as `<@…>` mentions). */
export const UUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const UUID = new RegExp(`^${UUID_SOURCE}$`, 'i');

/** Whether a value is a UUID (ids in paths, and ids in payloads read without a schema). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** A plugin's KV key: 1–256 letters, digits and `. : / - _`. */
export const KV_KEY_PATTERN = '^[\\w.:/-]{1,256}$';
