export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Admins administer; supervisors supervise. Planning, approving and driving a charge run,
 * approving a refund and deciding an authorisation are supervision: an admin may not do them
 * (separation of duties: whoever grants roles and sets limits does not also move the money).
 */
export const SUPERVISION: readonly Role[] = ['supervisor'];
/** Operators, roles and settings. */
export const ADMINISTRATION: readonly Role[] = ['admin'];

/** The FORBIDDEN message: what needs which role, and who the caller is. */
export function forbiddenMessage(what: string, roles: readonly Role[], operatorId: string, role: Role): string {
  const base = `${what} needs the role ${roles.join(' or ')}; ${operatorId} is ${role}`;
  if (role === 'admin' && roles.includes('supervisor')) return `${base}: admins administer, supervisors supervise. Ask a supervisor to do it`;
  return base;
}
