import { capabilityArgumentProblem, MAX_PRESENCE_IDS } from './capabilities';
import { isUuid, MAX_TEXT_LENGTH } from './rules';
import { unstorableArgument } from './text';

const id = '0b7e3c52-4f1a-4e0a-9d53-3f7b8e2a1c90';

describe('capability argument schemas', () => {
  it('passes what the SDK types describe', () => {
    expect(
      capabilityArgumentProblem('messages.post', [{ channelId: id, text: 'hi', threadId: id }]),
    ).toBeUndefined();
    expect(
      capabilityArgumentProblem('messages.update', [{ messageId: id, text: 'x'.repeat(MAX_TEXT_LENGTH) }]),
    ).toBeUndefined();
    expect(
      capabilityArgumentProblem('kv.set', [
        'a/b:c.d-e_f',
        { any: ['value'] },
        { ttlSeconds: 0.5, ifVersion: null },
      ]),
    ).toBeUndefined();
    expect(capabilityArgumentProblem('kv.set', ['k', undefined, { ifVersion: 3 }])).toBeUndefined();
    expect(capabilityArgumentProblem('kv.list', [])).toBeUndefined();
    expect(
      capabilityArgumentProblem('http.fetch', [
        'https://example.com/',
        { method: 'PUT', headers: { a: 'b' }, bodyBase64: 'AA==' },
      ]),
    ).toBeUndefined();
    expect(capabilityArgumentProblem('users.presence', [Array(MAX_PRESENCE_IDS).fill(id)])).toBeUndefined();
  });

  it.each([
    [
      'messages.post',
      [{ channelId: id, text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }],
      `input/text must be a non-blank string of at most ${MAX_TEXT_LENGTH} characters`,
    ],
    ['messages.post', [{ channelId: id, text: '  \n' }], 'input/text must be a non-blank string'],
    ['messages.post', [{ text: 'hi' }], 'input/channelId is required'],
    [
      'messages.post',
      [{ channelId: id, text: 'hi', threadId: null }],
      'input/threadId must be a non-empty string of at most 64 characters',
    ],
    ['messages.post', [], 'input is required'],
    ['messages.get', [''], 'messageId must be a non-empty string'],
    ['users.get', ['x'.repeat(65)], 'userId must be a non-empty string of at most 64 characters'],
    ['users.presence', [Array(MAX_PRESENCE_IDS + 1).fill(id)], 'userIds must NOT have more than 1000 items'],
    ['kv.get', ['a key'], 'key must be 1–256 letters, digits and . : / - _'],
    ['kv.get', ['k'.repeat(257)], 'key must be 1–256 letters'],
    ['kv.delete', [7], 'key must be 1–256 letters'],
    ['kv.set', ['k', 1, { ttlSeconds: -1 }], 'options/ttlSeconds must be > 0'],
    ['kv.set', ['k', 1, { ttlSeconds: Infinity }], 'options/ttlSeconds must be number'],
    ['kv.set', ['k', 1, { ifVersion: 1.5 }], 'options/ifVersion must be a version a set returned'],
    ['kv.set', ['k', 1, { ttl: 5 }], 'options has unknown field ttl'],
    ['kv.list', [3], 'prefix must be string'],
    ['http.fetch', ['https://example.com/', { method: 'GET /x' }], 'init/method must be a word'],
    ['http.fetch', ['https://example.com/', { headers: { a: 1 } }], 'init/headers/a must be string'],
    [
      'http.fetch',
      [`https://example.com/${'x'.repeat(2048)}`],
      'url must NOT have more than 2048 characters',
    ],
  ])('%s refuses %j', (method, args, problem) => {
    expect(capabilityArgumentProblem(method, args)).toContain(problem);
  });

  it('names arguments the same way for text that cannot be stored', () => {
    expect(unstorableArgument('kv.set', ['k', { title: 'a\u0000b' }])).toBe(
      'value/title must not contain NUL characters or unpaired UTF-16 surrogates',
    );
  });

  it('knows a UUID in either case, and nothing else', () => {
    expect(isUuid(id)).toBe(true);
    expect(isUuid(id.toUpperCase())).toBe(true);
    expect(isUuid(`${id}x`)).toBe(false);
    expect(isUuid(42)).toBe(false);
  });
});
