import { mayAct, ROLES, type StaffRole } from '../../domain/staff.ts';
import type { StaffUser } from './api-types.ts';

// What each part of the console needs, from the same role sets the routes declare (src/domain/staff.ts),
// so navigation and buttons never offer what the service would refuse.

export const ACCESS = {
  templates: ROLES.anyStaff,
  editTemplates: ROLES.editors,
  reviewTemplates: ROLES.approvers,
  cases: ROLES.anyStaff,
  audit: ROLES.auditors,
  policy: ROLES.anyStaff,
  operations: ROLES.operators,
  replay: ROLES.admins,
  users: ROLES.admins,
  staffAudit: ROLES.operators,
} as const satisfies Record<string, readonly StaffRole[]>;

export type Capability = keyof typeof ACCESS;

export const can = (user: Pick<StaffUser, 'roles'>, capability: Capability): boolean => mayAct(user, ACCESS[capability]);

export { STAFF_ROLES, type StaffRole } from '../../domain/staff.ts';
