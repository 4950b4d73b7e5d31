import type { Queryable } from './db.ts';

// Tasks for people: a case the policy routed away from automated messages (vulnerability), and
// later replies that need a human answer.

export interface NewTask {
  caseId: string;
  debtorId: string;
  kind: string;
  reason: string;
}

export interface Task extends NewTask {
  id: string;
  createdAt: Date;
  closedAt: Date | null;
}

/** Opens each task unless one of that kind is open for the case already. */
export async function openTasks(db: Queryable, tasks: readonly NewTask[]): Promise<void> {
  if (!tasks.length) return;
  await db.query({
    name: 'open-tasks',
    text: `insert into tasks (case_id, debtor_id, kind, reason)
           select case_id, debtor_id, kind, reason from jsonb_to_recordset($1::jsonb) as x(case_id text, debtor_id text, kind text, reason text)
           on conflict (case_id, kind) where closed_at is null do nothing`,
    values: [JSON.stringify(tasks.map((t) => ({ case_id: t.caseId, debtor_id: t.debtorId, kind: t.kind, reason: t.reason })))],
  });
}

export async function tasksOfCase(db: Queryable, caseId: string): Promise<Task[]> {
  const { rows } = await db.query<{ id: string; case_id: string; debtor_id: string; kind: string; reason: string; created_at: Date; closed_at: Date | null }>(
    'select id::text, case_id, debtor_id, kind, reason, created_at, closed_at from tasks where case_id = $1 order by id',
    [caseId],
  );
  return rows.map((r) => ({ id: r.id, caseId: r.case_id, debtorId: r.debtor_id, kind: r.kind, reason: r.reason, createdAt: r.created_at, closedAt: r.closed_at }));
}
