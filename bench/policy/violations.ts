import type { Queryable } from '../../src/store/db.ts';

// Cap violations counted afterwards from the ledger itself (messages.contacted_at), independently
// of the policy code: the local day is the debtor's residence zone (debtors.time_zone), and a
// rolling week ending at a contact is (t − 7×24 h, t], as the policy counts it.

export interface Violations {
  /** Debtor-days with more than 3 contacts. */
  perDay: number;
  /** Debtor-channel-days with more than 1 contact. */
  perDayPerChannel: number;
  /** Contacts that end a rolling 7×24 h window holding more than 7 contacts. */
  rolling7Days: number;
  /** SMS contacts that end a rolling 7×24 h window holding more than 3 SMS. */
  sms7Days: number;
  /** Contacts counted. */
  contacts: number;
}

export const LIMITS = { perDay: 3, perDayPerChannel: 1, rolling7Days: 7, sms7Days: 3 } as const;

export async function countViolations(db: Queryable): Promise<Violations> {
  const { rows } = await db.query<Record<keyof Violations, number>>({
    text: `with c as (
       select m.debtor_id, m.channel, m.contacted_at, (m.contacted_at at time zone d.time_zone)::date as day
         from messages m join debtors d on d.id = m.debtor_id
        where m.contacted_at is not null and m.status <> 'failed' and not m.cap_exempt
     ),
     w as (
       select channel,
              count(*) over (partition by debtor_id order by contacted_at
                             range between interval '7 days' - interval '1 microsecond' preceding and current row) as in_week,
              count(*) over (partition by debtor_id, channel order by contacted_at
                             range between interval '7 days' - interval '1 microsecond' preceding and current row) as in_week_on_channel
         from c
     )
     select (select count(*) from (select 1 from c group by debtor_id, day having count(*) > $1) x)::int as "perDay",
            (select count(*) from (select 1 from c group by debtor_id, channel, day having count(*) > $2) x)::int as "perDayPerChannel",
            (select count(*) from w where in_week > $3)::int as "rolling7Days",
            (select count(*) from w where channel = 'sms' and in_week_on_channel > $4)::int as "sms7Days",
            (select count(*) from c)::int as contacts`,
    values: [LIMITS.perDay, LIMITS.perDayPerChannel, LIMITS.rolling7Days, LIMITS.sms7Days],
  });
  return rows[0]!;
}
