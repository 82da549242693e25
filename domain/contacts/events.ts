/**
 * Contact: a person or company that invoices go to. Registered, updated, deactivated and
 * reactivated. An e-mail another contact already uses is flagged on the event (`duplicateOf`),
 * never merged: two people may share a mailbox, and an agent decides.
 */
export interface ContactDetails {
  readonly name: string;
  readonly email: string;
  readonly phone: string | null;
  readonly accountId: string | null;
}

export type ContactEvent =
  | { readonly type: 'ContactRegistered'; readonly data: ContactDetails & { readonly contactId: string; readonly duplicateOf: readonly string[] } }
  | { readonly type: 'ContactUpdated'; readonly data: { readonly contactId: string; readonly changes: Partial<ContactDetails>; readonly duplicateOf: readonly string[] } }
  | { readonly type: 'ContactDeactivated'; readonly data: { readonly contactId: string; readonly reason: string } }
  | { readonly type: 'ContactReactivated'; readonly data: { readonly contactId: string } };

export const CONTACT_EVENT_TYPES: readonly ContactEvent['type'][] = ['ContactRegistered', 'ContactUpdated', 'ContactDeactivated', 'ContactReactivated'];

export type ContactStatus = 'active' | 'inactive';

export type ContactState =
  | { readonly status: 'none' }
  | (ContactDetails & {
      readonly status: ContactStatus;
      readonly contactId: string;
      /** Why, when and by whom it was deactivated (the last time). */
      readonly deactivation?: { readonly reason: string; readonly at?: string; readonly by?: string };
    });

export const contactStreamId = (contactId: string): string => `contact-${contactId}`;

/** E-mails compare without case and surrounding spaces. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
/** The digits of a phone number, for search and comparison ("+44 20 7946-0018" → "442079460018"). */
export const phoneDigits = (phone: string): string => phone.replace(/\D/g, '');
