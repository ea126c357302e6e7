import { StaffSession } from '../auth/staff-session.entity.js';
import { Practice } from '../practices/practice.entity.js';
import { StaffInvite } from '../staff/staff-invite.entity.js';
import { StaffUser } from '../staff/staff-user.entity.js';

export const ENTITIES = [Practice, StaffUser, StaffSession, StaffInvite];
