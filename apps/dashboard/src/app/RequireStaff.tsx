import { Navigate, Outlet, useLocation } from 'react-router-dom';
import type { StaffRole } from '@tandem/shared';
import { FormAlert, Loading } from '../ui/forms';
import { useMe } from '../features/auth/use-me';
import NotFoundPage from './NotFoundPage';

/** Signed-in staff only (and, with `role`, only that role); others go to sign-in. */
export function RequireStaff({ role }: { role?: StaffRole }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.error) return <FormAlert error={me.error} />;
  if (!me.data) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  if (role && !me.data.user.roles.includes(role)) return <NotFoundPage />;
  return <Outlet />;
}
