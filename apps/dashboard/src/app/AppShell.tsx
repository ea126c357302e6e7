import { useMutation, useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { useMe } from '../features/auth/use-me';

export function AppShell() {
  const me = useMe().data;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => api.post<void>('/auth/logout', {}, { quiet401: true }),
    onSettled: () => {
      queryClient.clear();
      navigate('/sign-in', { replace: true, state: { notice: 'You are signed out.' } });
    },
  });
  // Between sign-out clearing the cache and the move to the sign-in page, there is nobody to show.
  if (!me) return null;
  const isAdmin = me.user.roles.includes('admin');
  const isClinician = me.user.roles.includes('clinician');
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <div className="shell__brand">
          <span className="brand">Tandem</span>
          <span className="shell__practice">{me.practice.name}</span>
        </div>
        <nav aria-label="Main" className="shell__nav">
          <NavLink to="/" end>
            Home
          </NavLink>
          {isClinician && <NavLink to="/caseload">My caseload</NavLink>}
          <NavLink to="/library">Library</NavLink>
          {isAdmin && <NavLink to="/caseloads">Caseloads</NavLink>}
          {isAdmin && <NavLink to="/staff">Staff</NavLink>}
          {isAdmin && <NavLink to="/audit">Audit</NavLink>}
          {isAdmin && <NavLink to="/security">Security</NavLink>}
          <NavLink to="/emergency">Emergency access</NavLink>
        </nav>
        <div className="shell__user">
          <NavLink to="/account">{me.user.name}</NavLink>
          <button type="button" className="button button--quiet" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="shell__main">
        <Outlet />
      </main>
    </div>
  );
}
