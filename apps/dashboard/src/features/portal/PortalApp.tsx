import { useEffect, useState } from 'react';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import type { PortalItem, PortalMe } from '@tandem/shared';
import { ApiError, api } from '../../api/client';
import { PageHeading } from '../../ui/forms';
import { OccurrencePage } from './OccurrencePage';
import { formatDay, portalKeys, STATUS_WORDS } from './portal-api';
import { PortalLink } from './portal-nav';
import { clearAllLocalDrafts, keepOnlyLocalDrafts, localDraftKey, pendingSaves } from './local-drafts';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2 },
  },
});

// The portal home's HTML carries the signed-in client's `me` answer (apps/api/src/portal/portal-page.controller.ts),
// drawn in already: the app starts from it instead of asking again.
const embeddedMe = document.getElementById('portal-me')?.textContent;
if (embeddedMe) queryClient.setQueryData(portalKeys.me(), JSON.parse(embeddedMe) as PortalMe);

/** The portal's few pages: home, one exercise, and the page for a link that no longer works. */
type PortalRoute = { page: 'home' } | { page: 'expired' } | { page: 'occurrence'; assignmentId: string; seq: number } | { page: 'missing' };

function parse(pathname: string): PortalRoute {
  if (pathname === '/portal' || pathname === '/portal/') return { page: 'home' };
  if (pathname === '/portal/link-expired') return { page: 'expired' };
  const match = /^\/portal\/exercise\/([0-9a-f-]{36})\/(\d{1,4})$/.exec(pathname);
  if (match) return { page: 'occurrence', assignmentId: match[1]!, seq: Number(match[2]) };
  return { page: 'missing' };
}

function useRoute(): PortalRoute {
  const [route, setRoute] = useState(() => parse(window.location.pathname));
  useEffect(() => {
    const update = () => {
      setRoute(parse(window.location.pathname));
      window.scrollTo(0, 0);
    };
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}

export function PortalApp() {
  return (
    <QueryClientProvider client={queryClient}>
      <main className="portal" id="main">
        <PortalPages />
      </main>
    </QueryClientProvider>
  );
}

function PortalPages() {
  const route = useRoute();
  if (route.page === 'expired') return <LinkExpired />;
  return <SignedIn route={route} />;
}

/** Shown for a link that expired or was replaced: nothing about the client, only what to do. */
function LinkExpired() {
  useEffect(() => {
    document.title = 'Link no longer works · Tandem';
  }, []);
  return (
    <section aria-labelledby="expired-title">
      <p className="brand">Tandem</p>
      <h1 id="expired-title">This link no longer works</h1>
      <p>Links to your exercises expire after a while, and a new one replaces the old. Please ask your clinician to send you a new link.</p>
      <p className="muted">Your answers that were already saved are safe.</p>
    </section>
  );
}

/** Sends what open exercises still have to send, then ends the portal session and forgets every local copy. */
async function signOut(): Promise<void> {
  await Promise.all([...pendingSaves].map((send) => send().catch(() => undefined)));
  clearAllLocalDrafts();
  await api.post('/portal/sign-out', { quiet401: true }).catch(() => undefined);
  queryClient.clear();
}

function SignedOut() {
  useEffect(() => {
    document.title = 'Signed out · Tandem';
  }, []);
  return (
    <section aria-labelledby="signed-out-title">
      <p className="brand">Tandem</p>
      <PageHeading>You are signed out</PageHeading>
      <p>Nothing you typed stays on this device. To come back, open the link your clinician sent you again.</p>
    </section>
  );
}

const fetchHome = () => api.get('/portal/home', { quiet401: true });

function SignedIn({ route }: { route: PortalRoute }) {
  // A minute fresh: the copy in the page is not asked for again the moment the app starts.
  const me = useQuery({ queryKey: portalKeys.me(), queryFn: () => api.get('/portal/me', { quiet401: true }), staleTime: 60_000 });
  // The home list is asked for at the same time as `me`, not after it: one round trip less on a slow phone.
  useQuery({ queryKey: portalKeys.home(), queryFn: fetchHome, enabled: route.page === 'home' });
  const [signedOut, setSignedOut] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  if (signedOut) return <SignedOut />;
  if (me.isPending) return <p role="status">Loading…</p>;
  if (me.error) {
    const noSession = me.error instanceof ApiError && me.error.status === 401;
    return (
      <section aria-labelledby="signin-title">
        <p className="brand">Tandem</p>
        <h1 id="signin-title">{noSession ? 'Please open your link again' : 'Something went wrong'}</h1>
        <p>
          {noSession
            ? 'For your privacy, this page needs the link your clinician sent you. Open it again from your message or email.'
            : me.error.message}
        </p>
      </section>
    );
  }
  return (
    <>
      <header className="portal__top">
        <p className="brand">Tandem</p>
        <span className="muted">{me.data.practiceName}</span>
        <button
          type="button"
          className="button button--quiet"
          disabled={signingOut}
          onClick={() => {
            setSigningOut(true);
            void signOut().then(() => setSignedOut(true));
          }}
        >
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      {route.page === 'home' && <Home me={me.data} />}
      {route.page === 'occurrence' && <OccurrencePage assignmentId={route.assignmentId} seq={route.seq} clientId={me.data.clientId} />}
      {route.page === 'missing' && (
        <section>
          <h1>Page not found</h1>
          <PortalLink to="/portal">Back to your exercises</PortalLink>
        </section>
      )}
    </>
  );
}

function ItemLink({ item }: { item: PortalItem }) {
  const when = item.status === 'done' ? `Done ${formatDay(item.submittedAt!.slice(0, 10))}` : `${STATUS_WORDS[item.status]} · due ${formatDay(item.dueOn)}`;
  return (
    <li>
      <PortalLink to={`/portal/exercise/${item.assignmentId}/${item.seq}`} className="portal-item">
        <span className="portal-item__title">{item.title}</span>
        <span className="portal-item__meta">
          {when} · about {item.minutes} min{item.withPartner ? ' · with your partner' : ''}
        </span>
      </PortalLink>
    </li>
  );
}

function Home({ me }: { me: PortalMe }) {
  useEffect(() => {
    document.title = 'Your exercises · Tandem';
  }, []);
  const home = useQuery({ queryKey: portalKeys.home(), queryFn: fetchHome });
  // Local copies of exercises no longer to do (submitted on another device, cancelled) have no use here.
  useEffect(() => {
    if (home.data) keepOnlyLocalDrafts(me.clientId, home.data.todo.map((item) => localDraftKey(me.clientId, item.assignmentId, item.seq)));
  }, [home.data, me.clientId]);
  const overdue = home.data?.todo.filter((i) => i.status === 'overdue') ?? [];
  const due = home.data?.todo.filter((i) => i.status !== 'overdue') ?? [];
  return (
    <>
      <PageHeading>Hi {me.firstName}</PageHeading>
      <p className="lead">Here are the exercises your clinician has given you. Your answers are saved as you type.</p>
      {home.isPending && <p role="status">Loading your exercises…</p>}
      {home.error && <p role="alert">{home.error.message}</p>}
      {home.data && (
        <>
          {overdue.length > 0 && (
            <section aria-labelledby="overdue-title">
              <h2 id="overdue-title">Past their due date</h2>
              <p className="muted">You can still do these: your clinician will see them whenever you finish.</p>
              <ul className="portal-list">
                {overdue.map((item) => (
                  <ItemLink key={`${item.assignmentId}/${item.seq}`} item={item} />
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="due-title">
            <h2 id="due-title">To do</h2>
            {due.length === 0 ? (
              <p>Nothing to do right now. New exercises appear here after your sessions.</p>
            ) : (
              <ul className="portal-list">
                {due.map((item) => (
                  <ItemLink key={`${item.assignmentId}/${item.seq}`} item={item} />
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="done-title">
            <h2 id="done-title">Done</h2>
            {home.data.done.length === 0 ? (
              <p className="muted">Exercises you submit will be listed here.</p>
            ) : (
              <ul className="portal-list">
                {home.data.done.map((item) => (
                  <ItemLink key={`${item.assignmentId}/${item.seq}`} item={item} />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </>
  );
}
