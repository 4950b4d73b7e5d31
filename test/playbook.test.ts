import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelOrder, loadPlaybooks } from '../src/domain/playbook.ts';
import { ROOT_DIR } from '../src/runtime.ts';

describe('playbooks', () => {
  it('the default playbook gives every contract event type one step, and holds none', async () => {
    const playbooks = await loadPlaybooks(path.join(ROOT_DIR, 'playbooks'));
    for (const type of ['case.opened', 'payment.due', 'payment.missed', 'plan.agreed'] as const) expect(playbooks.stepsFor('any', type)).toHaveLength(1);
    expect(playbooks.stepsFor('any', 'case.hold')).toEqual([]);
    expect(playbooks.version('any')).toBe('default@1');
  });

  it('a creditor file overrides only the event types it names', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'playbooks-'));
    await writeFile(path.join(dir, 'default.yaml'), 'version: 3\nevents:\n  payment.due:\n    - { step: due, template: payment-due, channels: [sms] }\n  case.opened:\n    - { step: first, template: case-opened, channels: [preferred, sms] }\n');
    await mkdir(path.join(dir, 'creditors'));
    await writeFile(path.join(dir, 'creditors', 'telco-pl.yaml'), 'version: 7\nevents:\n  payment.due:\n    - { step: due-early, template: payment-due, channels: [email, sms] }\n    - { step: due-letter, template: payment-due, channels: [letter] }\n');
    const playbooks = await loadPlaybooks(dir);
    expect(playbooks.stepsFor('telco-pl', 'payment.due').map((s) => s.step)).toEqual(['due-early', 'due-letter']);
    expect(playbooks.stepsFor('telco-pl', 'case.opened').map((s) => s.step)).toEqual(['first']);
    expect(playbooks.stepsFor('energia-fi', 'payment.due').map((s) => s.step)).toEqual(['due']);
    expect(playbooks.version('telco-pl')).toBe('telco-pl@7');
  });

  it('refuses a playbook with an unknown event type or channel, naming the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'playbooks-'));
    await writeFile(path.join(dir, 'default.yaml'), 'version: 1\nevents:\n  payment.late:\n    - { step: x, template: y, channels: [sms] }\n');
    await expect(loadPlaybooks(dir)).rejects.toThrow(/default\.yaml names unknown event type payment\.late/);
    await writeFile(path.join(dir, 'default.yaml'), 'version: 1\nevents:\n  payment.due:\n    - { step: x, template: y, channels: [pigeon] }\n');
    await expect(loadPlaybooks(dir)).rejects.toThrow(/default\.yaml is invalid/);
  });

  it('expands `preferred` and drops repeats, keeping the order', () => {
    const step = { step: 's', template: 't', channels: ['preferred', 'sms', 'email'] as const };
    expect(channelOrder({ ...step, channels: [...step.channels] }, 'email')).toEqual(['email', 'sms']);
    expect(channelOrder({ ...step, channels: [...step.channels] }, null)).toEqual(['sms', 'email']);
  });
});
