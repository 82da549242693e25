/**
 * Invoice numbers: one stream per year (`invoice-numbers-2026`) holds every number assigned, in
 * order. A number is assigned in the same atomic append as the InvoiceIssued that carries it,
 * with the sequence stream's expected version: two invoices issued at once cannot take the same
 * number (one append conflicts and is decided again), and a refused or failed issue stores
 * neither, so the numbers have no gaps.
 */
import { assertNever, refuse, type Decider, type Decision } from '../decider.js';

export type NumberingEvent = { readonly type: 'InvoiceNumberAssigned'; readonly data: { readonly year: number; readonly sequence: number; readonly invoiceId: string } };
export type NumberingCommand = { readonly type: 'AssignInvoiceNumber'; readonly year: number; readonly invoiceId: string; readonly sequence: number };
export interface NumberingState {
  readonly last: number;
  readonly assigned: ReadonlyMap<string, number>;
}

export const numberingStreamId = (year: number): string => `invoice-numbers-${year}`;

export const initialState = (): NumberingState => ({ last: 0, assigned: new Map() });

export function evolve(state: NumberingState, event: NumberingEvent): NumberingState {
  switch (event.type) {
    case 'InvoiceNumberAssigned':
      return { last: event.data.sequence, assigned: new Map([...state.assigned, [event.data.invoiceId, event.data.sequence]]) };
    default:
      return assertNever(event.type);
  }
}

/** The next number of the year: `sequence` must be exactly last + 1 (the caller read it from the same state). */
export function decide(command: NumberingCommand, state: NumberingState): Decision<NumberingEvent> {
  switch (command.type) {
    case 'AssignInvoiceNumber': {
      const had = state.assigned.get(command.invoiceId);
      if (had !== undefined) return refuse('NUMBER_ASSIGNED', `invoice ${command.invoiceId} already has number ${had} of ${command.year}`);
      if (command.sequence !== state.last + 1) return refuse('NUMBER_GAP', `the next invoice number of ${command.year} is ${state.last + 1}, not ${command.sequence}: numbers have no gaps`);
      return [{ type: 'InvoiceNumberAssigned', data: { year: command.year, sequence: command.sequence, invoiceId: command.invoiceId } }];
    }
    default:
      return assertNever(command.type);
  }
}

export const numberingDecider: Decider<NumberingCommand, NumberingEvent, NumberingState> = { decide, evolve, initialState };
