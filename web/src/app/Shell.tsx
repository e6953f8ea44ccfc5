import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../lib/session';
import { WorkspaceRail } from '../features/workspaces/WorkspaceRail';
import { ConnectionBanner } from './ConnectionBanner';
import { DrawerProvider, useDrawer } from '../components/Drawer';
import { RealtimeProvider } from './realtime';
import { CallsProvider } from '../features/calls';
import { AppModalHost } from '../features/blocks/AppModalHost';

function ShellLayout() {
  const { open } = useDrawer();
  return (
    <div className={open ? 'shell drawer-open' : 'shell'}>
      <WorkspaceRail />
      <Outlet />
    </div>
  );
}

/** Everything behind sign-in: the workspace rail, the realtime socket, and the screen of the route. */
export function Shell() {
  const current = useSession();
  const location = useLocation();
  if (!current) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/signin?next=${next}`} replace />;
  }
  return (
    <RealtimeProvider key={current.token}>
      <CallsProvider>
        <DrawerProvider>
          <ConnectionBanner />
          <ShellLayout />
          <AppModalHost />
        </DrawerProvider>
      </CallsProvider>
    </RealtimeProvider>
  );
}
