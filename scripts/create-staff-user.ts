import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { AccountProblem, createAccount } from '../src/console/staff-accounts.ts';
import { STAFF_ROLES, type StaffRole } from '../src/domain/staff.ts';

// npm run staff:add -- --username ada --roles admin [--name "Ada Lovelace"] [--locale fi]
// The password is asked for (not echoed), or read from the first line of standard input when piped.

const { values } = parseArgs({ options: { username: { type: 'string' }, roles: { type: 'string', default: 'editor' }, name: { type: 'string' }, locale: { type: 'string', default: 'en' } } });
const roles = (values.roles ?? '').split(',').map((r) => r.trim()).filter(Boolean);
const unknown = roles.filter((r) => !(STAFF_ROLES as readonly string[]).includes(r));
if (!values.username || unknown.length || !roles.length) {
  process.stderr.write(`usage: npm run staff:add -- --username <name> --roles ${STAFF_ROLES.join(',')} [--name "Full Name"] [--locale en|pl|fi|it|nl]\n`);
  process.exit(64);
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) return line;
    return '';
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Echo nothing while the password is typed.
  const out = rl as unknown as { _writeToOutput: (s: string) => void };
  let muted = false;
  out._writeToOutput = (s: string) => {
    if (!muted) process.stderr.write(s);
  };
  process.stderr.write('Password (at least 12 characters): ');
  muted = true;
  const password = await rl.question('');
  muted = false;
  process.stderr.write('\n');
  rl.close();
  return password;
}

const config = loadConfig();
const db = createDb({ url: config.databaseUrl, schema: config.databaseSchema, poolSize: 1 });
try {
  await migrate(db, config.databaseSchema);
  const password = await readPassword();
  const created = await createAccount(db, { username: values.username, displayName: values.name ?? values.username, password, roles: roles as StaffRole[], locale: values.locale ?? 'en' }, 'cli');
  process.stderr.write(`Staff account "${created.username}" (${created.roles.join(', ')}) created. Sign in at ${config.publicUrl}/console/\n`);
} catch (err) {
  if (!(err instanceof AccountProblem)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 65;
} finally {
  await db.end();
}
