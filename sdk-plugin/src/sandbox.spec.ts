import { HostCall, PluginSandbox } from './sandbox';

/** A plugin written as the bundler would emit it: one script that registers its definition. */
const plugin = (body: string) => `globalThis.__jokkaerPlugin = (function () { ${body} })();`;

function sandbox(code: string, host: HostCall = () => Promise.resolve(null), memoryLimitMb = 16) {
  return new PluginSandbox({ code, settings: { greeting: 'hi' }, workspaceId: 'w1', memoryLimitMb, host });
}

describe('PluginSandbox', () => {
  const open: PluginSandbox[] = [];
  afterEach(() => open.splice(0).forEach((box) => box.dispose()));
  const start = async (code: string, host?: HostCall, memoryLimitMb?: number) => {
    const box = sandbox(code, host, memoryLimitMb);
    open.push(box);
    await box.start();
    return box;
  };

  it('runs handlers with copies of their input, and capability calls reach the host as JSON', async () => {
    const calls: [string, unknown[]][] = [];
    const box = await start(
      plugin(`return { commands: { echo: async (inv, ctx) => {
        const saved = await ctx.kv.set('k', { n: 1 });
        return { text: ctx.settings.greeting + ' ' + inv.args + ' ' + JSON.stringify(saved) };
      } } };`),
      (method, args) => {
        calls.push([method, args]);
        return Promise.resolve({ version: 1 });
      },
    );
    const result = await box.invoke('command', 'echo', { args: 'there' }, 1000);
    expect(result).toMatchObject({ ok: true, value: { text: 'hi there {"version":1}' } });
    expect(calls).toEqual([['kv.set', ['k', { n: 1 }, {}]]]);
    expect(await box.invoke('command', 'nope', {}, 1000)).toMatchObject({ ok: false, code: 'missing' });
  });

  it('gives plugin code no way to the host: no process, require, host globals or references', async () => {
    const box = await start(
      plugin(`return { commands: { probe: () => {
        const found = {};
        found.viaConstructor = this.constructor.constructor('return typeof process')();
        found.viaFunction = Function('return typeof require + typeof global')();
        found.require = typeof require; found.process = typeof process; found.module = typeof module;
        const names = Object.getOwnPropertyNames(globalThis);
        found.globals = ['ivm', '_ivm', 'hostCall', 'hostLog', 'dispatch', 'Isolate', 'ExternalCopy', 'Reference'].filter((n) => names.includes(n));
        return { text: JSON.stringify(found) };
      } } };`),
    );
    const result = await box.invoke('command', 'probe', {}, 1000);
    expect(result.ok).toBe(true);
    const found = JSON.parse((result as { value: { text: string } }).value.text);
    expect(found).toEqual({
      viaConstructor: 'undefined',
      viaFunction: 'undefinedundefined',
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      globals: [],
    });
  });

  it('keeps prototype tampering inside the isolate', async () => {
    const box = await start(
      plugin(`Object.prototype.polluted = 'yes'; Array.prototype.push = () => 0; JSON.parse = () => 'hijacked';
        return { commands: { t: () => ({ text: 'ok' }) } };`),
    );
    expect(await box.invoke('command', 't', {}, 1000)).toMatchObject({ ok: true, value: { text: 'ok' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const list: number[] = [];
    list.push(1);
    expect(list).toEqual([1]);
    expect(JSON.parse('1')).toBe(1);
  });

  it('stops an infinite loop at the CPU limit and an endless await chain at the wall limit', async () => {
    const box = await start(
      plugin(`return { commands: {
        spin: () => { while (true) {} },
        awaitForever: async () => { while (true) await null; },
        hostForever: async (inv, ctx) => { while (true) await ctx.kv.get('x'); },
        fine: () => ({ text: 'still here' }),
      } };`),
    );
    for (const name of ['spin', 'awaitForever', 'hostForever']) {
      const started = Date.now();
      const result = await box.invoke('command', name, {}, 200);
      expect(result).toMatchObject({ ok: false, code: 'timeout' });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await box.invoke('command', 'fine', {}, 1000)).toMatchObject({
        ok: true,
        value: { text: 'still here' },
      });
    }
  });

  it('disposes a plugin that allocates past its memory limit, then starts afresh', async () => {
    const box = await start(
      plugin(`return { commands: {
        hog: () => { const keep = []; while (true) keep.push(new Array(1e6).fill(Math.random())); },
        fine: () => ({ text: 'recovered' }),
      } };`),
      undefined,
      16,
    );
    const result = await box.invoke('command', 'hog', {}, 5000);
    expect(result).toMatchObject({ ok: false, code: 'memory' });
    expect(await box.invoke('command', 'fine', {}, 1000)).toMatchObject({
      ok: true,
      value: { text: 'recovered' },
    });
  });

  it('records a throwing handler as an error without harming the sandbox', async () => {
    const box = await start(
      plugin(
        `return { commands: { boom: () => { throw new Error('kaboom'); }, ok: () => ({ text: 'ok' }) } };`,
      ),
    );
    expect(await box.invoke('command', 'boom', {}, 1000)).toMatchObject({
      ok: false,
      code: 'error',
      message: expect.stringContaining('kaboom'),
    });
    expect(await box.invoke('command', 'ok', {}, 1000)).toMatchObject({ ok: true });
  });

  it('refuses an oversized capability call before it reaches the host', async () => {
    const host = jest.fn(() => Promise.resolve(null));
    const box = await start(
      plugin(
        `return { commands: { big: async (inv, ctx) => { await ctx.kv.set('k', 'x'.repeat(2 * 1024 * 1024)); return { text: 'stored' }; } } };`,
      ),
      host,
      64,
    );
    expect(await box.invoke('command', 'big', {}, 2000)).toMatchObject({ ok: false, code: 'error' });
    expect(host).not.toHaveBeenCalled();
  });

  it('refuses code that does not define a plugin', async () => {
    await expect(sandbox('1 + 1').start()).rejects.toThrow('definePlugin');
    await expect(sandbox('syntax error here(').start()).rejects.toThrow();
  });
});
