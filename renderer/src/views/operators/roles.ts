import type { Role } from '../../api/types';

export const ROLE_OPTIONS: readonly { value: Role; label: string; hint: string }[] = [
  { value: 'agent', label: 'Agent', hint: 'Call-center work on accounts, cards, invoices, plans and refunds.' },
  { value: 'supervisor', label: 'Supervisor', hint: 'Agent work, plus charge runs: plan, approve, review.' },
  { value: 'admin', label: 'Admin', hint: 'Everything, plus operators and settings.' },
];
export const roleLabel = (role: string): string => ROLE_OPTIONS.find((r) => r.value === role)?.label ?? role;
