import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PortalApp } from '../features/portal/PortalApp';
import '../styles.css';
import './portal.css';

// A portal link (`/p/<token>`) answers with the home page itself: `/portal` replaces the link in the
// address bar and the history before anything else runs, so the token stays in neither.
if (window.location.pathname.startsWith('/p/')) window.history.replaceState(null, '', '/portal');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PortalApp />
  </StrictMode>,
);
