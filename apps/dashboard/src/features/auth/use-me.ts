import { useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client';
import { keys } from '../../api/query-keys';

/** The signed-in staff member, or null when nobody is signed in. */
export function useMe() {
  return useQuery({
    queryKey: keys.me(),
    queryFn: async () => {
      try {
        return await api.get('/auth/me', { quiet401: true });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}
