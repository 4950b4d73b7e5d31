// Staff of the compliance console: who may do what. An admin may do everything a role may, but
// the four-eyes rule still holds (a version is never reviewed by its author).

export const STAFF_ROLES = ['editor', 'approver', 'auditor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Role sets the routes name in `config.staffRoles`. */
export const ROLES = {
  anyStaff: STAFF_ROLES,
  /** write drafts and submit them */
  editors: ['editor', 'admin'],
  /** approve, reject, activate, roll back */
  approvers: ['approver', 'admin'],
  /** search decisions and messages, export */
  auditors: ['auditor', 'approver', 'admin'],
  /** queue depths, failures, dead letters (reading) */
  operators: ['auditor', 'admin'],
  /** users, replays, a debtor's export and erasure */
  admins: ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export interface StaffMember {
  id: string;
  username: string;
  displayName: string;
  roles: StaffRole[];
  locale: string;
}

export const mayAct = (member: Pick<StaffMember, 'roles'>, allowed: readonly StaffRole[] | undefined): boolean =>
  !!allowed && member.roles.some((r) => r === 'admin' || allowed.includes(r));
