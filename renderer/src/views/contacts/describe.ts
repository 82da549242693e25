/** A contact's history in words. */
type Data = Readonly<Record<string, unknown>>;
const s = (v: unknown): string => (typeof v === 'string' ? v : v === null ? '—' : '');

const FIELD: Readonly<Record<string, string>> = { name: 'name', email: 'e-mail', phone: 'phone', accountId: 'account' };

export function describeContactEvent(type: string, raw: unknown): { title: string; summary: string } {
  const d: Data = raw && typeof raw === 'object' ? (raw as Data) : {};
  const dup = Array.isArray(d.duplicateOf) && d.duplicateOf.length ? ` · e-mail also used by ${d.duplicateOf.join(', ')}` : '';
  switch (type) {
    case 'ContactRegistered':
      return { title: 'Registered', summary: `${s(d.name)} · ${s(d.email)}${d.phone ? ` · ${s(d.phone)}` : ''}${d.accountId ? ` · account ${s(d.accountId)}` : ''}${dup}` };
    case 'ContactUpdated': {
      const changes = (d.changes && typeof d.changes === 'object' ? d.changes : {}) as Data;
      return { title: 'Updated', summary: `${Object.entries(changes).map(([k, v]) => `${FIELD[k] ?? k} → ${s(v)}`).join(' · ')}${dup}` };
    }
    case 'ContactDeactivated':
      return { title: 'Deactivated', summary: `Reason: ${s(d.reason)}` };
    case 'ContactReactivated':
      return { title: 'Reactivated', summary: 'Invoices can go to this contact again' };
    default:
      return { title: type, summary: '' };
  }
}
