import { lazy, Suspense } from 'react';
import { useOpenView } from './api';

const AppModal = lazy(() => import('./AppModal').then((module) => ({ default: module.AppModal })));

/**
 * Where an app's modal appears. Its renderer (Block Kit and Markdown) loads only once an app opens a view for
 * this person, so it stays out of the initial JavaScript.
 */
export function AppModalHost() {
  const view = useOpenView();
  return view ? (
    <Suspense fallback={null}>
      <AppModal />
    </Suspense>
  ) : null;
}
