import type { Projection } from '../eventstore/projection.js';
import type { AccountEvent } from '../accounts/events.js';
import { ORDER_EVENT_TYPES, type OrderEvent } from './events.js';

/**
 * Orders (one row each: the orders list, and the reminder sweep's `status = 'open'`) and their
 * payments. `paid` is the base-currency sum of the payments not cancelled. An account's prepaid
 * credit (PrepaidCreditAdded less PrepaidCreditApplied) is kept in `account_credits`.
 */
export const ordersProjection: Projection = {
  name: 'orders',
  version: 1,
  tables: ['orders', 'order_payments', 'account_credits'],
  handles: [...ORDER_EVENT_TYPES, 'PrepaidCreditAdded', 'PrepaidCreditApplied'],
  schema: `
    CREATE TABLE orders (
      order_id       TEXT    PRIMARY KEY,
      account_id     TEXT    NOT NULL,
      base_currency  TEXT    NOT NULL,
      lines_json     TEXT    NOT NULL,
      total          INTEGER NOT NULL,
      paid           INTEGER NOT NULL,
      payments       INTEGER NOT NULL,
      status         TEXT    NOT NULL,
      written_off    INTEGER NOT NULL,
      overpaid       INTEGER NOT NULL,
      reminders_sent INTEGER NOT NULL,
      created_by     TEXT    NOT NULL,
      created_at     TEXT    NOT NULL,
      updated_at     TEXT    NOT NULL,
      paid_at        TEXT
    ) STRICT;
    CREATE INDEX orders_status ON orders (status, created_at);
    CREATE INDEX orders_account ON orders (account_id, created_at);
    CREATE INDEX orders_created ON orders (created_at, order_id);
    CREATE TABLE order_payments (
      order_id       TEXT    NOT NULL,
      payment_id     TEXT    NOT NULL,
      method         TEXT    NOT NULL,
      amount         INTEGER NOT NULL,
      currency       TEXT    NOT NULL,
      fx_rate        TEXT,
      exact_base     TEXT    NOT NULL,
      base_amount    INTEGER NOT NULL,
      status         TEXT    NOT NULL,
      cancel_reason  TEXT,
      added_by       TEXT    NOT NULL,
      added_at       TEXT    NOT NULL,
      PRIMARY KEY (order_id, payment_id)
    ) STRICT;
    CREATE TABLE account_credits (
      account_id     TEXT    PRIMARY KEY,
      currency       TEXT    NOT NULL,
      prepaid_credit INTEGER NOT NULL,
      updated_at     TEXT    NOT NULL
    ) STRICT;`,
  apply(stored, sql) {
    const e = stored as unknown as OrderEvent | Extract<AccountEvent, { type: 'PrepaidCreditAdded' | 'PrepaidCreditApplied' }>;
    const at = stored.recordedAt;
    const touch = (orderId: string, set: string, args: (string | number)[] = []): void => sql.run(`UPDATE orders SET ${set}${set ? ', ' : ''}updated_at = ? WHERE order_id = ?`, [...args, at, orderId]);
    switch (e.type) {
      case 'OrderCreated': {
        const d = e.data;
        sql.run("INSERT INTO orders VALUES (?, ?, ?, ?, ?, 0, 0, 'open', 0, 0, 0, ?, ?, ?, NULL)", [d.orderId, d.accountId, d.baseCurrency, JSON.stringify(d.lines), d.total, stored.metadata.operator, at, at]);
        return;
      }
      case 'OrderPaymentAdded': {
        const d = e.data;
        sql.run("INSERT INTO order_payments VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?)", [d.orderId, d.paymentId, d.method, d.amount, d.currency, d.fxRate, d.exactBaseAmount, d.baseAmount, stored.metadata.operator, at]);
        touch(d.orderId, 'paid = paid + ?, payments = payments + 1', [d.baseAmount]);
        return;
      }
      case 'OrderPaymentCancelled':
        sql.run("UPDATE order_payments SET status = 'cancelled', cancel_reason = ? WHERE order_id = ? AND payment_id = ?", [e.data.reason, e.data.orderId, e.data.paymentId]);
        touch(e.data.orderId, 'paid = paid - ?, payments = payments - 1', [e.data.baseAmount]);
        return;
      case 'OrderFxShortfallWrittenOff':
        touch(e.data.orderId, 'written_off = ?', [e.data.amount]);
        return;
      case 'OrderPaid':
        touch(e.data.orderId, "status = 'paid', paid_at = ?", [at]);
        return;
      case 'OrderOverpaid':
        touch(e.data.orderId, 'overpaid = ?', [e.data.amount]);
        return;
      case 'OrderReminderSent':
        touch(e.data.orderId, 'reminders_sent = ?', [e.data.reminder]);
        return;
      case 'PrepaidCreditAdded':
        sql.run('INSERT INTO account_credits VALUES (?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET prepaid_credit = prepaid_credit + excluded.prepaid_credit, updated_at = excluded.updated_at', [e.data.accountId, e.data.currency, e.data.amount, at]);
        return;
      case 'PrepaidCreditApplied':
        sql.run('UPDATE account_credits SET prepaid_credit = prepaid_credit - ?, updated_at = ? WHERE account_id = ?', [e.data.amount, at, e.data.accountId]);
        return;
    }
  },
};
