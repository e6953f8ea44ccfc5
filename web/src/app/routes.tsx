import { lazy, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import { AuthPage } from '../features/auth/AuthPage';
import { InvitePage } from '../features/workspaces/InvitePage';
import { HomeScreen } from './HomeScreen';
import { NotFoundPage } from './NotFoundPage';
import { Shell } from './Shell';

// The chat screen (markdown, the virtualized list) loads apart, so the sign-in page's script stays small.
const WorkspaceScreen = lazy(() =>
  import('./WorkspaceScreen').then((module) => ({ default: module.WorkspaceScreen })),
);
const workspace = (
  <Suspense>
    <WorkspaceScreen />
  </Suspense>
);

const AdminConsole = lazy(() =>
  import('../features/admin/AdminConsole').then((module) => ({ default: module.AdminConsole })),
);
const admin = (
  <Suspense>
    <AdminConsole />
  </Suspense>
);

/** The client's routes. The server answers these paths with the app (core/src/common/web-client.ts). */
export const router = createBrowserRouter([
  { path: '/signin', element: <AuthPage mode="signin" /> },
  { path: '/signup', element: <AuthPage mode="signup" /> },
  {
    element: <Shell />,
    children: [
      { path: '/', element: <HomeScreen /> },
      { path: '/invite/:code', element: <InvitePage /> },
      { path: '/w/:workspaceId', element: workspace },
      { path: '/w/:workspaceId/c/:channelId', element: workspace },
      { path: '/w/:workspaceId/c/:channelId/t/:threadId', element: workspace },
      { path: '/w/:workspaceId/c/:channelId/m/:messageId', element: workspace },
      { path: '/w/:workspaceId/admin', element: admin },
      { path: '/w/:workspaceId/admin/:section', element: admin },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
]);
