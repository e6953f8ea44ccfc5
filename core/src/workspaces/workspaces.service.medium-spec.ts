import { mediumTier, outcome } from '../../../fixtures/medium';
import { WorkspacesModule } from './workspaces.module';
import { WorkspacesService } from './workspaces.service';

const tier = mediumTier([WorkspacesModule]);

const workspaces = () => tier.get(WorkspacesService);

/** An invite as the API's defaults make it (72 hours, one use), with the given role and uses. */
const invite = (workspaceId: string, userId: string, role: 'admin' | 'member' | 'guest', maxUses = 1) =>
  workspaces().createInvite(workspaceId, userId, { role, expiresInHours: 72, maxUses });

describe('invites', () => {
  it('are made by admins, and invite admins only when an owner makes them', async () => {
    const { id, owner, admin, member } = await tier.make.workspace({ admin: 'admin', member: 'member' });
    expect(await outcome(invite(id, member, 'member'))).toBe(403);
    expect(await outcome(invite(id, admin, 'admin'))).toBe(403);
    expect(await outcome(invite(id, admin, 'member'))).toBe('ok');
    expect(await outcome(invite(id, owner, 'admin'))).toBe('ok');
  });

  it('carry a role to the person who accepts, once: a used-up code is 410, an unknown one 404', async () => {
    const workspace = await tier.make.workspace();
    const code = (await invite(workspace.id, workspace.owner, 'guest')).code;
    const guest = await tier.make.user('Guest');
    expect(await workspaces().acceptInvite(code, guest.id)).toMatchObject({
      workspace: { id: workspace.id },
      member: { userId: guest.id, role: 'guest' },
    });
    const late = await tier.make.user();
    expect(await outcome(workspaces().acceptInvite(code, late.id))).toBe(410);
    expect(await outcome(workspaces().acceptInvite('no-such-code', late.id))).toBe(404);
    const members = await workspaces().listMembers(workspace.id, workspace.owner, { limit: 50 });
    expect(members.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          userId: workspace.owner,
          role: 'owner',
          isBot: false,
          displayName: 'Owner',
        }),
        expect.objectContaining({ userId: guest.id, role: 'guest' }),
      ]),
    );
    expect(members.items).toHaveLength(2);
  });

  it('are listed to admins while open, newest first, and a revoked one names nothing', async () => {
    const { id, owner, member } = await tier.make.workspace({ member: 'member' });
    const kept = await invite(id, owner, 'guest', 3);
    const revoked = await invite(id, owner, 'member');
    const usedUp = await invite(id, owner, 'member');
    await workspaces().acceptInvite(usedUp.code, (await tier.make.user()).id);

    const open = await workspaces().listOpenInvites(id, owner);
    expect(open.items.map((item) => item.id)).toEqual([revoked.id, kept.id]);
    expect(open.items[1]).toEqual({
      id: kept.id,
      role: 'guest',
      uses: 0,
      maxUses: 3,
      expiresAt: kept.expiresAt,
      createdBy: owner,
      createdAt: expect.any(String),
    });

    expect(await outcome(workspaces().listOpenInvites(id, member))).toBe(403);
    expect(await outcome(workspaces().revokeInvite(id, member, revoked.id))).toBe(403);
    await workspaces().revokeInvite(id, owner, revoked.id);
    expect(await outcome(workspaces().revokeInvite(id, owner, revoked.id))).toBe(404);
    expect(await outcome(workspaces().acceptInvite(revoked.code, (await tier.make.user()).id))).toBe(404);
    expect((await workspaces().listOpenInvites(id, owner)).items.map((item) => item.id)).toEqual([kept.id]);
  });
});

describe('roles and removals', () => {
  it('keeps at least one owner and lets only owners touch admins and owners', async () => {
    const { id, owner, admin } = await tier.make.workspace({ admin: 'admin' });
    expect(await outcome(workspaces().updateRole(id, owner, owner, 'member'))).toBe(409);
    expect(await outcome(workspaces().removeMember(id, owner, owner))).toBe(409);
    expect(await outcome(workspaces().updateRole(id, admin, owner, 'member'))).toBe(403);
    expect(await outcome(workspaces().removeMember(id, admin, owner))).toBe(403);
    expect(await workspaces().updateRole(id, owner, admin, 'owner')).toMatchObject({
      userId: admin,
      role: 'owner',
    });
    // With a second owner, the first may step down.
    expect(await workspaces().updateRole(id, owner, owner, 'member')).toMatchObject({ role: 'member' });
  });

  it('removes members, who then see nothing of the workspace, and lets members leave', async () => {
    const { id, owner, member, leaver } = await tier.make.workspace({ member: 'member', leaver: 'member' });
    expect(await outcome(workspaces().removeMember(id, member, leaver))).toBe(403);
    await workspaces().removeMember(id, owner, member);
    expect(await outcome(workspaces().get(id, member))).toBe(404);
    expect((await workspaces().list(member, { limit: 50 })).items).toEqual([]);
    await workspaces().removeMember(id, leaver, leaver);
    expect(await outcome(workspaces().listMembers(id, leaver, { limit: 50 }))).toBe(404);
  });
});
