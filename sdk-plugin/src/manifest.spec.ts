import {
  effectiveLimits,
  isHostAllowed,
  PluginManifest,
  secretSettingKeys,
  validateManifest,
  validateSettings,
} from './manifest';

const base = (): PluginManifest => ({
  id: 'weather-bot',
  name: 'Weather bot',
  version: '1.2.3-beta.1+build.5',
  sdkVersion: '^0.1.0',
  description: 'Tells the weather.',
  permissions: {
    events: ['message.created', 'channel.created'],
    messages: { write: true },
    kv: { quotaBytes: 1024 },
    http: { hosts: ['api.example.com', '*.weather.example', '127.0.0.1'] },
    commands: [{ command: 'weather', description: 'Weather for a city', usage: '<city>' }],
    schedules: [{ name: 'dailyDigest', cron: '0 9 * * 1-5' }],
    hooks: ['messageWillBePosted'],
  },
  settingsSchema: {
    type: 'object',
    properties: {
      apiKey: { type: 'string', writeOnly: true },
      units: { type: 'string', enum: ['metric', 'imperial'], default: 'metric' },
    },
    additionalProperties: false,
  },
  limits: { memoryMb: 32, eventTimeoutMs: 500, hookTimeoutMs: 100 },
});

const errorsOf = (manifest: unknown) => {
  const result = validateManifest(manifest);
  return result.ok ? [] : result.errors;
};

describe('validateManifest', () => {
  it('accepts a complete manifest and a minimal one', () => {
    expect(validateManifest(base())).toEqual({ ok: true, manifest: base() });
    const minimal = {
      id: 'hi',
      name: 'Hi',
      version: '0.0.1',
      sdkVersion: '>=0.1.0 <1',
      permissions: {},
    };
    expect(validateManifest(minimal)).toMatchObject({ ok: true });
    expect(
      validateManifest({ ...minimal, permissions: { schedules: [{ name: 'h', cron: '@hourly' }] } }),
    ).toMatchObject({ ok: true });
  });

  it('grants messages.read and messages.write each on its own, but not an empty messages permission', () => {
    const withMessages = (messages: object) => ({ ...base(), permissions: { messages } });
    expect(validateManifest(withMessages({ read: true }))).toMatchObject({ ok: true });
    expect(validateManifest(withMessages({ write: true, read: false }))).toMatchObject({ ok: true });
    expect(errorsOf(withMessages({})).map((error) => error.path)).toEqual(['permissions/messages']);
    expect(errorsOf(withMessages({ delete: true })).map((error) => error.path)).toEqual([
      'permissions/messages/delete',
    ]);
  });

  it('grants presence and addressed messages only as booleans, and nothing else under users', () => {
    const withPermissions = (permissions: object) => ({ ...base(), permissions });
    expect(
      validateManifest(withPermissions({ users: { presence: true }, messages: { addressed: true } })),
    ).toMatchObject({ ok: true });
    expect(errorsOf(withPermissions({ users: {} })).map((error) => error.path)).toEqual([
      'permissions/users',
    ]);
    expect(
      errorsOf(withPermissions({ users: { email: true }, messages: { addressed: 'yes' } })).map(
        (error) => error.path,
      ),
    ).toEqual(['permissions/messages/addressed', 'permissions/users/email']);
  });

  it('grants files.read with a maxBytes of at most 8 MiB', () => {
    const withFiles = (files: object) => ({ ...base(), permissions: { files } });
    expect(validateManifest(withFiles({ read: true, maxBytes: 8 * 1024 * 1024 }))).toMatchObject({
      ok: true,
    });
    expect(errorsOf(withFiles({ read: true, maxBytes: 8 * 1024 * 1024 + 1 }))).toEqual([
      { path: 'permissions/files/maxBytes', message: 'must be <= 8388608' },
    ]);
  });

  it('names every failing field', () => {
    const manifest: any = base();
    manifest.id = 'Weather Bot';
    manifest.version = '1.2';
    delete manifest.name;
    manifest.extra = true;
    manifest.permissions.events = ['message.created', 'message.exploded'];
    manifest.permissions.messages = { write: 'yes' };
    manifest.permissions.kv = {};
    manifest.permissions.http.hosts = ['https://api.example.com', '*.com', 'ok.example.com:8080'];
    manifest.permissions.commands = [{ command: '/weather', description: 'x', aliases: [] }];
    manifest.permissions.schedules = [{ name: 'tick', cron: 'every minute' }];
    manifest.permissions.hooks = ['messageWasPosted'];
    manifest.permissions.files = { read: true };
    manifest.limits = { memoryMb: 4096 };
    const paths = errorsOf(manifest).map((error) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'id',
        'version',
        'name',
        'extra',
        'permissions/events/1',
        'permissions/messages/write',
        'permissions/kv/quotaBytes',
        'permissions/http/hosts/0',
        'permissions/http/hosts/1',
        'permissions/http/hosts/2',
        'permissions/commands/0/command',
        'permissions/commands/0/aliases',
        'permissions/schedules/0/cron',
        'permissions/hooks/0',
        'permissions/files/maxBytes',
        'limits/memoryMb',
      ]),
    );
    expect(errorsOf(manifest)).toContainEqual({ path: 'extra', message: 'is not a known field' });
    expect(errorsOf(manifest)).toContainEqual({ path: 'name', message: 'is required' });
    expect(errorsOf(manifest)).toContainEqual({
      path: 'permissions/commands/0/command',
      message: 'must be 1–32 lowercase letters, digits, _ and -, starting with a letter, without the slash',
    });
    expect(errorsOf('not an object')).toEqual([{ path: '(root)', message: 'must be object' }]);
  });

  it('refuses duplicate commands and schedules', () => {
    const manifest = base();
    manifest.permissions.commands = [
      { command: 'a', description: 'A' },
      { command: 'a', description: 'A again' },
    ];
    manifest.permissions.schedules = [
      { name: 's', cron: '* * * * *' },
      { name: 's', cron: '0 * * * *' },
    ];
    expect(errorsOf(manifest)).toEqual([
      { path: 'permissions/commands/1/command', message: 'is declared twice' },
      { path: 'permissions/schedules/1/name', message: 'is declared twice' },
    ]);
  });

  it('requires a settings schema that compiles under Ajv strict mode', () => {
    for (const settingsSchema of [
      { type: 'object', properties: { n: { type: 'nummber' } } },
      { type: 'object', properties: { n: { type: 'string', format: 'not-a-format' } } },
      { type: 'object', properties: { n: { type: 'string', minimum: 1 } } },
      { type: 'object', unknownKeyword: true },
    ]) {
      const errors = errorsOf({ ...base(), settingsSchema });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        path: 'settingsSchema',
        message: expect.stringMatching(/^is not a valid/),
      });
    }
    expect(errorsOf({ ...base(), settingsSchema: { type: 'array' } })).toEqual([
      { path: 'settingsSchema/type', message: 'must be equal to constant' },
    ]);
  });
});

describe('settings and permissions helpers', () => {
  it('validates settings with defaults, without touching the input', () => {
    const input = { apiKey: 'k' };
    expect(validateSettings(base(), input)).toEqual({ ok: true, settings: { apiKey: 'k', units: 'metric' } });
    expect(input).toEqual({ apiKey: 'k' });
    expect(validateSettings(base(), { apiKey: 3, units: 'kelvin', other: 1 })).toEqual({
      ok: false,
      errors: [
        { path: 'other', message: 'is not a known field' },
        { path: 'apiKey', message: 'must be string' },
        { path: 'units', message: 'must be equal to one of the allowed values' },
      ],
    });
    expect(secretSettingKeys(base())).toEqual(['apiKey']);
    const noSchema = base();
    delete noSchema.settingsSchema;
    expect(validateSettings(noSchema, { anything: 1 })).toEqual({ ok: true, settings: { anything: 1 } });
    expect(validateSettings(noSchema, 'text')).toMatchObject({ ok: false });
    expect(secretSettingKeys(noSchema)).toEqual([]);
  });

  it('matches hosts exactly or by subdomain wildcard', () => {
    const hosts = ['api.example.com', '*.weather.example', '127.0.0.1'];
    expect(isHostAllowed(hosts, 'api.example.com')).toBe(true);
    expect(isHostAllowed(hosts, 'API.Example.com.')).toBe(true);
    expect(isHostAllowed(hosts, 'example.com')).toBe(false);
    expect(isHostAllowed(hosts, 'evil-api.example.com')).toBe(false);
    expect(isHostAllowed(hosts, 'oslo.weather.example')).toBe(true);
    expect(isHostAllowed(hosts, 'a.b.weather.example')).toBe(true);
    expect(isHostAllowed(hosts, 'weather.example')).toBe(false);
    expect(isHostAllowed(hosts, 'notweather.example')).toBe(false);
    expect(isHostAllowed(hosts, '127.0.0.1')).toBe(true);
    expect(isHostAllowed(undefined, '127.0.0.1')).toBe(false);
  });

  it('resolves limits: install overrides, then manifest, then defaults', () => {
    const noLimits = base();
    delete noLimits.limits;
    expect(effectiveLimits(noLimits)).toEqual({
      memoryMb: 64,
      eventTimeoutMs: 1000,
      commandTimeoutMs: 1000,
      hookTimeoutMs: 250,
    });
    expect(effectiveLimits(base(), { hookTimeoutMs: 50, memoryMb: undefined })).toEqual({
      memoryMb: 32,
      eventTimeoutMs: 500,
      commandTimeoutMs: 1000,
      hookTimeoutMs: 50,
    });
  });
});
