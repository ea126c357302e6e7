import { useMutation, useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { useMe } from '../features/auth/use-me';
import { setPracticeFormat } from '../ui/dates';
import { settlePendingWork, signedOut } from './pending-work';
import { useAttentionCount } from '../features/home/attention-api';

/** How many things need the reader, beside "Home" ("99+" past the cap); nothing when there are none. */
function AttentionCountBadge() {
  const count = useAttentionCount().data;
  if (!count || count.total === 0) return null;
  const shown = `${count.total}${count.capped ? '+' : ''}`;
  return (
    <span className="nav-count" aria-label={`${shown} need${count.total === 1 && !count.capped ? 's' : ''} your attention`}>
      {shown}
    </span>
  );
}

export function AppShell() {
  const me = useMe().data;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signOut = useMutation({
    // What a page still holds (a note's last words) is saved first.
    mutationFn: async () => {
      if (!(await settlePendingWork())) return false;
      await api.post('/auth/logout', { quiet401: true });
      return true;
    },
    onSettled: (left) => {
      if (left === false) return;
      queryClient.clear();
      // Pages hold navigations for unsaved work again once the sign-in page is reached.
      void Promise.resolve(navigate('/sign-in', { replace: true, state: { notice: 'You are signed out.' } })).finally(signedOut);
    },
  });
  // Between sign-out clearing the cache and the move to the sign-in page, there is nobody to show.
  if (!me) return null;
  setPracticeFormat(me.practice);
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
            <AttentionCountBadge />
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
