import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route:
 * - `public`: anyone, signed in or not;
 * - `staff`: any signed-in staff member;
 * - `admin`: signed-in staff with the admin role;
 * - `clinician`: signed-in staff with the clinician role;
 * - `portal`: a client holding a portal session.
 * Record-level rules (care teams, practices) are the access service's job.
 */
export type Audience = 'public' | 'staff' | 'admin' | 'clinician' | 'portal';

export const ALLOW_KEY = 'tandem:allow';

export const Allow = (audience: Audience) => SetMetadata(ALLOW_KEY, audience);
