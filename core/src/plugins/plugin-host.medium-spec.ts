import { HostFailure } from '@jokkaer/sdk-plugin';
import { mediumTier } from '../../../fixtures/medium';
import { PluginCatalogue } from './plugin-catalogue';
import { PluginHost } from './plugin-host';
import { PluginsModule } from './plugins.module';
import { PluginsRepository } from './plugins.repository';
import { PluginsService } from './plugins.service';

const tier = mediumTier([PluginsModule]);

const QUOTA_BYTES = 100;

/** Plugins only called here (their code never runs): one with a small KV quota, a second with KV, one without. */
const MANIFESTS = [
  { id: 'kv-small', permissions: { kv: { quotaBytes: QUOTA_BYTES } } },
  { id: 'kv-other', permissions: { kv: { quotaBytes: 10_000 } } },
  { id: 'kv-none', permissions: {} },
];

beforeAll(() => {
  for (const manifest of MANIFESTS) {
    const entry = tier
      .get(PluginCatalogue)
      .add(
        { name: manifest.id, version: '0.0.1', sdkVersion: '^0.1.0', ...manifest },
        '',
        'upload',
        'medium',
      );
    if (!entry) throw new Error(`invalid test manifest ${manifest.id}`);
  }
});

/** Installs `pluginId` in a new workspace (or `workspace`); answers a caller of that install's capabilities. */
async function install(pluginId: string, workspace?: { id: string; owner: string }) {
  const where = workspace ?? (await tier.make.workspace());
  await tier.get(PluginsService).upsert(where.id, where.owner, pluginId, { enabled: true });
  const installId = (await tier.get(PluginsRepository).findInstall(where.id, pluginId))!.id;
  const call = (method: string, ...args: unknown[]) => tier.get(PluginHost).answer(installId, method, args);
  return { workspace: where, call };
}

describe('plugin KV, through the host', () => {
  it('takes keys of 1–256 letters, digits and . : / - _, and refuses others naming the key', async () => {
    const { call } = await install('kv-other');
    for (const key of ['a', 'user:42/prefs.v1-x_y', 'k'.repeat(256)]) {
      expect(await call('kv.set', key, 1)).toEqual({ version: 1 });
    }
    for (const key of ['', 'with space', 'k'.repeat(257), 'é', 'a*b']) {
      await expect(call('kv.set', key, 1)).rejects.toThrow(
        new HostFailure('kv.set: key must be 1–256 letters, digits and . : / - _'),
      );
      await expect(call('kv.get', key)).rejects.toBeInstanceOf(HostFailure);
    }
    expect(await call('kv.list')).toEqual(['a', 'k'.repeat(256), 'user:42/prefs.v1-x_y']);
  });

  it("holds an install to its quota, counting every key's JSON but the one being replaced", async () => {
    const { call } = await install('kv-small');
    const value = 'x'.repeat(QUOTA_BYTES / 2 - 2); // its JSON (quoted) is half the quota
    expect(await call('kv.set', 'a', value)).toEqual({ version: 1 });
    expect(await call('kv.set', 'b', value)).toEqual({ version: 1 });
    await expect(call('kv.set', 'c', 1)).rejects.toThrow(
      new HostFailure(`KV quota of ${QUOTA_BYTES} bytes exceeded`),
    );
    expect(await call('kv.set', 'a', value)).toEqual({ version: 2 });
    await expect(call('kv.set', 'a', value + 'x')).rejects.toThrow(/KV quota/);
    expect(await call('kv.delete', 'b')).toBe(true);
    expect(await call('kv.set', 'c', 1)).toEqual({ version: 1 });
    expect(await call('kv.list')).toEqual(['a', 'c']);
  });

  it('keeps each install to its own keys: another workspace, another plugin', async () => {
    const mine = await install('kv-other');
    const otherWorkspace = await install('kv-other');
    const otherPlugin = await install('kv-small', mine.workspace);
    await mine.call('kv.set', 'shared-name', { owner: 'mine' });
    await otherPlugin.call('kv.set', 'shared-name', 'theirs');
    for (const other of [otherWorkspace, otherPlugin]) {
      expect(await other.call('kv.list')).toEqual(other === otherPlugin ? ['shared-name'] : []);
      expect(await other.call('kv.delete', 'shared-name')).toBe(other === otherPlugin);
    }
    expect(await otherWorkspace.call('kv.get', 'shared-name')).toBeNull();
    expect(await mine.call('kv.getEntry', 'shared-name')).toEqual({ value: { owner: 'mine' }, version: 1 });
  });

  it('writes with ifVersion only at that version (null: only when absent)', async () => {
    const { call } = await install('kv-other');
    expect(await call('kv.set', 'n', 1, { ifVersion: null })).toEqual({ version: 1 });
    expect(await call('kv.set', 'n', 2, { ifVersion: null })).toBeNull();
    expect(await call('kv.set', 'n', 2, { ifVersion: 1 })).toEqual({ version: 2 });
    expect(await call('kv.set', 'n', 3, { ifVersion: 1 })).toBeNull();
    expect(await call('kv.getEntry', 'n')).toEqual({ value: 2, version: 2 });
  });

  it('refuses KV to a plugin whose manifest does not grant it', async () => {
    const { call } = await install('kv-none');
    await expect(call('kv.get', 'a')).rejects.toThrow('the manifest does not grant kv');
  });
});
