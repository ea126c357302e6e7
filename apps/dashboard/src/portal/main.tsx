import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PortalApp } from '../features/portal/PortalApp';
import '../styles.css';
import './portal.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PortalApp />
  </StrictMode>,
);
