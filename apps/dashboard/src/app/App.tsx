import { lazy, Suspense, useEffect } from 'react';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { Outlet, Route, RouterProvider, createBrowserRouter, createRoutesFromElements, useNavigate } from 'react-router-dom';
import { ApiError, onSessionEnded } from '../api/client';
import { isSigningOut } from './pending-work';
import { Loading } from '../ui/forms';
import { AppShell } from './AppShell';
import { RequireStaff } from './RequireStaff';
import NotFoundPage from './NotFoundPage';

const SignInPage = lazy(() => import('../features/auth/SignInPage'));
const SetPasswordPage = lazy(() => import('../features/auth/SetPasswordPage'));
const ResetPasswordPage = lazy(() => import('../features/auth/ResetPasswordPage'));
const ForgotPasswordPage = lazy(() => import('../features/auth/ResetPasswordPage').then((m) => ({ default: m.ForgotPasswordPage })));
const UnsubscribePage = lazy(() => import('../features/delivery/UnsubscribePage'));
const HomePage = lazy(() => import('../features/home/HomePage'));
const StaffPage = lazy(() => import('../features/staff/StaffPage'));
const MyCaseloadPage = lazy(() => import('../features/caseload/MyCaseloadPage'));
const ClientPage = lazy(() => import('../features/caseload/ClientPage'));
const CouplePage = lazy(() => import('../features/caseload/CouplePage'));
const CaseloadBoardPage = lazy(() => import('../features/caseload/CaseloadBoardPage'));
const AuditPage = lazy(() => import('../features/audit/AuditPage'));
const NoteEditorPage = lazy(() => import('../features/notes/NoteEditorPage'));
const LibraryPage = lazy(() => import('../features/exercises/LibraryPage'));
const ExercisePage = lazy(() => import('../features/exercises/ExercisePage'));
const ExerciseBuilderPage = lazy(() => import('../features/exercises/ExerciseBuilderPage'));
const AccountPage = lazy(() => import('../features/account/AccountPage'));
const EmergencyPage = lazy(() => import('../features/emergency/EmergencyPage'));
const EmergencyRecordPage = lazy(() => import('../features/emergency/EmergencyRecordPage'));
const SecurityPage = lazy(() => import('../features/security/SecurityPage'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

/** When the server ends the session, drop everything cached and go to sign-in with a message. */
function SessionWatcher() {
  const navigate = useNavigate();
  const client = useQueryClient();
  useEffect(
    () =>
      onSessionEnded(() => {
        // A request still on its way when the person signed out comes back 401: that is the sign-out itself,
        // whose own message ("You are signed out.") stands; and on the sign-in page there is nothing to leave.
        if (isSigningOut() || window.location.pathname === '/sign-in') return;
        client.clear();
        void navigate('/sign-in', { replace: true, state: { notice: 'Your session has ended. Please sign in again.' } });
      }),
    [client, navigate],
  );
  return null;
}

/** The part of every page that is not a route of its own. */
function Root() {
  return (
    <>
      <SessionWatcher />
      <Suspense fallback={<Loading />}>
        <Outlet />
      </Suspense>
    </>
  );
}

// A data router, so that a page with unsaved work can hold a navigation until it is saved (useBlocker).
const router = createBrowserRouter(
  createRoutesFromElements(
    <Route element={<Root />}>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/set-password" element={<SetPasswordPage />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/unsubscribe" element={<UnsubscribePage />} />
      <Route element={<RequireStaff />}>
        <Route element={<AppShell />}>
          <Route index element={<HomePage />} />
          <Route path="caseload" element={<MyCaseloadPage />} />
          <Route path="clients/:id" element={<ClientPage />} />
          <Route path="couples/:id" element={<CouplePage />} />
          <Route path="notes/:id" element={<NoteEditorPage />} />
          <Route path="library" element={<LibraryPage />} />
          <Route path="library/new" element={<ExerciseBuilderPage />} />
          <Route path="library/:id" element={<ExercisePage />} />
          <Route path="library/:id/edit" element={<ExerciseBuilderPage />} />
          <Route path="account" element={<AccountPage />} />
          <Route path="emergency" element={<EmergencyPage />} />
          <Route path="emergency/:id" element={<EmergencyRecordPage />} />
          <Route element={<RequireStaff role="admin" />}>
            <Route path="caseloads" element={<CaseloadBoardPage />} />
            <Route path="staff" element={<StaffPage />} />
            <Route path="audit" element={<AuditPage />} />
            <Route path="security" element={<SecurityPage />} />
          </Route>
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Route>,
  ),
);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
