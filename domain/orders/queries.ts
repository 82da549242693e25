/** The orders list, one order with its lines and payments, and an account's prepaid credit. */
import type { SqlValue } from 'sql.js';
import { keysetPage, type ListParams, type Page, type TableSpec } from '../backend/paging.js';
import type { Sql } from '../eventstore/sql.js';
import type { OrderLine, PaymentMethod } from './events.js';

export interface OrderRow {
  readonly orderId: string;
  readonly accountId: string;
  readonly holderName: string | null;
  readonly baseCurrency: string;
  readonly total: number;
  /** Base-currency sum of the payments not cancelled. */
  readonly paid: number;
  /** What is still due in the base currency (0 once paid). */
  readonly due: number;
  readonly payments: number;
  readonly status: 'open' | 'paid';
  readonly writtenOff: number;
  readonly overpaid: number;
  readonly remindersSent: number;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly paidAt: string | null;
}

export interface OrderPaymentRow {
  readonly paymentId: string;
  readonly method: PaymentMethod;
  readonly amount: number;
  readonly currency: string;
  readonly fxRate: string | null;
  readonly exactBaseAmount: string;
  readonly baseAmount: number;
  readonly status: 'active' | 'cancelled';
  readonly cancelReason: string | null;
  readonly addedBy: string;
  readonly addedAt: string;
}

export interface OrderDetail {
  readonly order: OrderRow;
  readonly lines: readonly OrderLine[];
  readonly payments: readonly OrderPaymentRow[];
  /** The account's prepaid credit now (from overpayments, less what later charges used). */
  readonly accountCredit: number;
}

const s = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const sn = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

const mapOrder = (r: Record<string, SqlValue>): OrderRow => {
  const status = s(r.status) === 'paid' ? 'paid' : 'open';
  return {
    orderId: s(r.order_id),
    accountId: s(r.account_id),
    holderName: sn(r.holder_name),
    baseCurrency: s(r.base_currency),
    total: Number(r.total),
    paid: Number(r.paid),
    due: status === 'paid' ? 0 : Math.max(0, Number(r.total) - Number(r.paid)),
    payments: Number(r.payments),
    status,
    writtenOff: Number(r.written_off),
    overpaid: Number(r.overpaid),
    remindersSent: Number(r.reminders_sent),
    createdBy: s(r.created_by),
    createdAt: s(r.created_at),
    updatedAt: s(r.updated_at),
    paidAt: sn(r.paid_at),
  };
};

const SELECT = 'o.order_id, o.account_id, a.holder_name, o.base_currency, o.total, o.paid, o.payments, o.status, o.written_off, o.overpaid, o.reminders_sent, o.created_by, o.created_at, o.updated_at, o.paid_at';
const FROM = 'orders o LEFT JOIN accounts a ON a.account_id = o.account_id';

export const ordersTable: TableSpec<OrderRow> = {
  table: FROM,
  key: 'o.order_id',
  columns: { orderId: 'o.order_id', accountId: 'o.account_id', baseCurrency: 'o.base_currency', total: 'o.total', paid: 'o.paid', status: 'o.status', createdAt: 'o.created_at', updatedAt: 'o.updated_at', createdBy: 'o.created_by' },
  search: ['o.order_id', 'o.account_id'],
  defaultSort: 'createdAt',
  select: SELECT,
  map: mapOrder,
};

export const listOrders = (sql: Sql, p: ListParams): Page<OrderRow> => keysetPage(sql, ordersTable, p);

export const prepaidCreditOf = (sql: Sql, accountId: string): number => Number(sql.scalar('SELECT prepaid_credit FROM account_credits WHERE account_id = ?', [accountId]) ?? 0);

export function orderDetail(sql: Sql, orderId: string): OrderDetail | null {
  const r = sql.get(`SELECT ${SELECT}, o.lines_json FROM ${FROM} WHERE o.order_id = ?`, [orderId]);
  if (!r) return null;
  const payments = sql.all('SELECT * FROM order_payments WHERE order_id = ? ORDER BY added_at, payment_id', [orderId]).map(
    (p): OrderPaymentRow => ({
      paymentId: s(p.payment_id),
      method: s(p.method) as PaymentMethod,
      amount: Number(p.amount),
      currency: s(p.currency),
      fxRate: sn(p.fx_rate),
      exactBaseAmount: s(p.exact_base),
      baseAmount: Number(p.base_amount),
      status: s(p.status) === 'cancelled' ? 'cancelled' : 'active',
      cancelReason: sn(p.cancel_reason),
      addedBy: s(p.added_by),
      addedAt: s(p.added_at),
    }),
  );
  const order = mapOrder(r);
  return { order, lines: JSON.parse(s(r.lines_json)) as OrderLine[], payments, accountCredit: prepaidCreditOf(sql, order.accountId) };
}

/** Open orders that may have a reminder due: fewer reminders sent than configured. */
export const openOrdersForReminders = (sql: Sql, configured: number, limit = 1000): { orderId: string; createdAt: string; remindersSent: number }[] =>
  sql
    .all<{ order_id: string; created_at: string; reminders_sent: number }>("SELECT order_id, created_at, reminders_sent FROM orders WHERE status = 'open' AND reminders_sent < ? ORDER BY created_at LIMIT ?", [configured, limit])
    .map((r) => ({ orderId: r.order_id, createdAt: r.created_at, remindersSent: r.reminders_sent }));
