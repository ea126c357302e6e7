import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

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

/** Declares a route's audience; the OpenAPI document shows it as `x-audience`. */
export const Allow = (audience: Audience) => applyDecorators(SetMetadata(ALLOW_KEY, audience), ApiExtension('x-audience', audience));
