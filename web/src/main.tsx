import { notifyManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import './lib/i18n';
import { router } from './app/routes';
import './app/styles.css';

// Cache changes reach the screen at the end of the task that made them (a socket frame, a response) rather than
// in a later task, which a busy page may run tens of milliseconds on.
notifyManager.setScheduler(queueMicrotask);

const queryClient = new QueryClient({
  defaultOptions: {
    // A 4xx will not get better by asking again.
    queries: {
      retry: (failures, error) => failures < 2 && !('status' in error && Number(error.status) < 500),
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
