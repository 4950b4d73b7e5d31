import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ROLES, STAFF_ROLES, type StaffRole } from '../domain/staff.ts';
import { AccountProblem, createAccount } from '../console/staff-accounts.ts';
import { hashPassword, passwordProblem } from '../console/passwords.ts';
import { countAdmins, deleteSessionsOf, findStaffById, listStaff, searchStaffActions, updateStaff, type StaffAccount } from '../store/staff-repo.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

const Role = Type.Enum(STAFF_ROLES);
const Locale = Type.Enum(['en', 'pl', 'fi', 'it', 'nl']);
const Account = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  locale: Type.String(),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
  createdBy: Type.String(),
});
const Instant = Type.String({ format: 'date-time' });
const tags = ['staff'];

const present = (a: StaffAccount) => ({ id: a.id, username: a.username, displayName: a.displayName, roles: a.roles, locale: a.locale, disabled: !!a.disabledAt, createdAt: a.createdAt.toISOString(), createdBy: a.createdBy });

/** Accounts (admins only) and the audit of what staff did (admins and auditors). */
export default async function staffRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.services;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get('/v1/staff/users', { onRequest: app.requireCaller, config: { staffRoles: ROLES.admins }, schema: { tags, summary: 'Staff accounts', response: { 200: Type.Object({ users: Type.Array(Account) }), 401: ProblemSchema, 403: ProblemSchema } } }, async () => ({
    users: (await listStaff(db)).map(present),
  }));

  api.post(
    '/v1/staff/users',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.admins, action: 'staff.create' },
      schema: {
        tags,
        summary: 'Create a staff account',
        body: Type.Object(
          { username: Type.String({ maxLength: 63 }), displayName: Type.String({ maxLength: 200 }), password: Type.String({ maxLength: 1024 }), roles: Type.Array(Role, { minItems: 1, maxItems: 4 }), locale: Type.Optional(Locale) },
          { additionalProperties: false },
        ),
        response: { 201: Account, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request, reply) => {
      request.auditTarget = { username: request.body.username, roles: request.body.roles };
      try {
        const created = await createAccount(db, { ...request.body, locale: request.body.locale ?? 'en' }, request.actor ?? 'unknown');
        return reply.code(201).send(present(created));
      } catch (err) {
        if (err instanceof AccountProblem) throw new HttpProblem(problem(err.message.includes('taken') ? 409 : 422, 'account-refused', 'The account cannot be created', err.message));
        throw err;
      }
    },
  );

  api.patch(
    '/v1/staff/users/:id',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.admins, action: 'staff.update' },
      schema: {
        tags,
        summary: 'Change roles, name, language or password, or disable an account',
        params: Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }),
        body: Type.Object(
          { displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), roles: Type.Optional(Type.Array(Role, { minItems: 1, maxItems: 4 })), locale: Type.Optional(Locale), password: Type.Optional(Type.String({ maxLength: 1024 })), disabled: Type.Optional(Type.Boolean()) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Account, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request) => {
      const account = await findStaffById(db, request.params.id);
      if (!account) throw new HttpProblem(problem(404, 'staff-not-found', 'No such account'));
      const { password, roles, disabled } = request.body;
      request.auditTarget = { username: account.username, changed: Object.keys(request.body).sort(), ...(roles ? { roles } : {}), ...(disabled !== undefined ? { disabled } : {}) };
      const weak = password === undefined ? null : passwordProblem(password, account.username);
      if (weak) throw new HttpProblem(problem(422, 'account-refused', 'The password is refused', weak));
      const losesAdmin = account.roles.includes('admin') && !account.disabledAt && (disabled === true || (roles !== undefined && !roles.includes('admin')));
      if (losesAdmin && (await countAdmins(db)) <= 1) throw new HttpProblem(problem(409, 'last-admin', 'The last admin cannot be removed', 'Make someone else an admin first.'));
      const updated = await updateStaff(db, account.id, {
        ...request.body,
        ...(roles ? { roles: [...new Set(roles)] as StaffRole[] } : {}),
        ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}),
      });
      if (!updated) throw new HttpProblem(problem(404, 'staff-not-found', 'No such account'));
      // New roles, a new password or a disabled account take effect now, not at the next sign-in.
      if (password !== undefined || disabled === true || roles) await deleteSessionsOf(db, account.id);
      return present(updated);
    },
  );

  api.get(
    '/v1/staff/audit',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ['auditor', 'admin'] },
      schema: {
        tags,
        summary: 'What staff and API keys did, newest first',
        querystring: Type.Object(
          {
            actor: Type.Optional(Type.String({ maxLength: 80 })),
            action: Type.Optional(Type.String({ maxLength: 80 })),
            from: Type.Optional(Instant),
            to: Type.Optional(Instant),
            before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,17}$' })),
            limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({}, { additionalProperties: true })), next: Type.Union([Type.String(), Type.Null()]) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      const { limit, ...filter } = request.query;
      const { items, next } = await searchStaffActions(db, { ...filter, limit: Number(limit ?? 100) });
      return { items: items.map((i) => ({ ...i, at: i.at.toISOString() })), next };
    },
  );
}
