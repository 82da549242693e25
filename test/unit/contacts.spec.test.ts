import { describe, expect, it } from 'vitest';
import { contactDecider, type ContactCommand } from '../../domain/contacts/decider.js';
import type { ContactEvent } from '../../domain/contacts/events.js';
import { contactCommands } from '../../domain/contacts/commands.js';
import { DeciderSpecification } from '../../domain/testing/spec.js';

const spec = DeciderSpecification(contactDecider);
const stamp = <E extends ContactEvent>(e: E, at: string, by: string): E => ({ ...e, at, by });

const registered: ContactEvent = { type: 'ContactRegistered', data: { contactId: 'c1', name: 'Ada Lind', email: 'ada@example.com', phone: '+44 20 7946 0018', accountId: null, duplicateOf: [] } };
const deactivated: ContactEvent = stamp({ type: 'ContactDeactivated', data: { contactId: 'c1', reason: 'moved abroad' } }, '2026-03-02T10:00:00.000Z', 'agent1');
const reactivated: ContactEvent = { type: 'ContactReactivated', data: { contactId: 'c1' } };

describe('RegisterContact', () => {
  it('registers an active contact', () =>
    spec
      .given([])
      .when({ type: 'RegisterContact', contactId: 'c1', name: 'Ada Lind', email: 'ada@example.com', phone: '+44 20 7946 0018', duplicateOf: [] })
      .then([registered]));
  it('flags, never merges, an e-mail another contact uses', () =>
    spec
      .given([])
      .when({ type: 'RegisterContact', contactId: 'c2', name: 'Bo Lind', email: 'ADA@example.com', accountId: 'a1', duplicateOf: ['c1'] })
      .then([{ type: 'ContactRegistered', data: { contactId: 'c2', name: 'Bo Lind', email: 'ADA@example.com', phone: null, accountId: 'a1', duplicateOf: ['c1'] } }]));
  it('is refused for a contact id already taken', () => spec.given([registered]).when({ type: 'RegisterContact', contactId: 'c1', name: 'X', email: 'x@example.com', duplicateOf: [] }).thenRefuses('CONTACT_EXISTS', /contact c1 already exists \(Ada Lind\)/));
});

describe('a command on a contact that does not exist', () => {
  const cmds: ContactCommand[] = [
    { type: 'UpdateContact', contactId: 'c1', name: 'X', duplicateOf: [] },
    { type: 'DeactivateContact', contactId: 'c1', reason: 'r' },
    { type: 'ReactivateContact', contactId: 'c1' },
  ];
  for (const c of cmds) it(`${c.type} is refused with CONTACT_NOT_FOUND`, () => spec.given([]).when(c).thenRefuses('CONTACT_NOT_FOUND', /there is no contact c1/));
});

describe('UpdateContact', () => {
  it('records only what changed', () =>
    spec
      .given([registered])
      .when({ type: 'UpdateContact', contactId: 'c1', name: 'Ada Lind', email: 'ada@lind.example', phone: null, duplicateOf: ['c7'] })
      .then([{ type: 'ContactUpdated', data: { contactId: 'c1', changes: { email: 'ada@lind.example', phone: null }, duplicateOf: ['c7'] } }]));
  it('does not carry a duplicate flag when the e-mail did not change', () =>
    spec.given([registered]).when({ type: 'UpdateContact', contactId: 'c1', name: 'Ada B. Lind', duplicateOf: ['c7'] }).then([{ type: 'ContactUpdated', data: { contactId: 'c1', changes: { name: 'Ada B. Lind' }, duplicateOf: [] } }]));
  it('changes nothing when nothing differs', () => spec.given([registered]).when({ type: 'UpdateContact', contactId: 'c1', name: 'Ada Lind', email: 'ada@example.com', duplicateOf: [] }).thenNothingHappens());
  it('may correct an inactive contact', () =>
    spec.given([registered, deactivated]).when({ type: 'UpdateContact', contactId: 'c1', accountId: 'a9', duplicateOf: [] }).then([{ type: 'ContactUpdated', data: { contactId: 'c1', changes: { accountId: 'a9' }, duplicateOf: [] } }]));
});

describe('DeactivateContact and ReactivateContact', () => {
  it('deactivates an active contact, with the reason', () => spec.given([registered]).when({ type: 'DeactivateContact', contactId: 'c1', reason: 'moved abroad' }).then([{ type: 'ContactDeactivated', data: { contactId: 'c1', reason: 'moved abroad' } }]));
  it('refuses to deactivate an inactive contact, saying when, by whom and why', () =>
    spec.given([registered, deactivated]).when({ type: 'DeactivateContact', contactId: 'c1', reason: 'again' }).thenRefuses('CONTACT_INACTIVE', /already deactivated on 2026-03-02 by agent1 \(moved abroad\)/));
  it('reactivates an inactive contact', () => spec.given([registered, deactivated]).when({ type: 'ReactivateContact', contactId: 'c1' }).then([reactivated]));
  it('refuses to reactivate an active contact', () => spec.given([registered]).when({ type: 'ReactivateContact', contactId: 'c1' }).thenRefuses('CONTACT_ACTIVE', /is active: nothing to reactivate/));
  it('deactivates again after a reactivation', () => spec.given([registered, deactivated, reactivated]).when({ type: 'DeactivateContact', contactId: 'c1', reason: 'closed' }).then([{ type: 'ContactDeactivated', data: { contactId: 'c1', reason: 'closed' } }]));
});

describe('input at the boundary', () => {
  const schema = contactCommands.RegisterContact.schema;
  const base = { type: 'RegisterContact', contactId: 'c1', name: 'Ada Lind', email: 'ada@example.com' };
  it('accepts a valid e-mail and phone', () => expect(schema.safeParse({ ...base, phone: '+44 (20) 7946-0018' }).success).toBe(true));
  it.each(['ada', 'ada@', '@example.com', 'ada example.com'])('refuses the e-mail %s', (email) => {
    const r = schema.safeParse({ ...base, email });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/e-mail address/);
  });
  it.each(['12345', 'call me', '+44 20 ext 1', '1234567890123456'])('refuses the phone %s', (phone) => expect(schema.safeParse({ ...base, phone }).success).toBe(false));
  it('refuses a card number in the name', () => {
    const r = schema.safeParse({ ...base, name: 'Ada 4111 1111 1111 1111' });
    expect(r.error?.issues[0]?.message).toMatch(/card number/);
  });
  it('refuses a card number as a phone', () => expect(schema.safeParse({ ...base, phone: '4111111111111111' }).error?.issues.map((i) => i.message).join()).toMatch(/card number|15 digits/));
});
