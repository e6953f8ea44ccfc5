import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, data } from '../../lib/api/client';
import { session } from '../../lib/session';

/** What this server offers on its sign-in page besides email and password (SSO, reset by email). */
export function useAuthProviders() {
  return useQuery({
    queryKey: ['auth-providers'],
    queryFn: () => data(api.GET('/api/v1/auth/providers')),
    staleTime: Infinity,
  });
}

export function usePasswordResetRequest() {
  return useMutation({
    mutationFn: (email: string) => data(api.POST('/api/v1/auth/password-reset', { body: { email } })),
  });
}

/**
 * Back from SSO: the server's callback sent the browser to `/signin#sso=<token>` (or `#sso_error=<why>`). The token leaves the address
 * bar at once, and becomes the session once `GET /me` says whose it is.
 */
export function useSsoReturn() {
  const signIn = useMutation({
    mutationFn: async (token: string) => {
      const user = await data(api.GET('/api/v1/me', { headers: { authorization: `Bearer ${token}` } }));
      return { user, token };
    },
    onSuccess: (answer) => session.set(answer),
  });
  // A failed return comes as `#sso_error=<why>`: said on the page like any failed sign-in.
  const [failure] = useState(() => {
    const why = new URLSearchParams(window.location.hash.slice(1)).get('sso_error');
    return why === null ? null : new Error(why);
  });
  useEffect(() => {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    if (!fragment.has('sso') && !fragment.has('sso_error')) return;
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    const token = fragment.get('sso');
    if (token) signIn.mutate(token);
    // Once, on arrival (the mutation object changes with its state).
  }, []);
  return { error: signIn.error ?? failure };
}
