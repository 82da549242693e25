/**
 * The types the renderer, the preload and the carriers share. Types only: the renderer never
 * imports runtime code from domain/.
 */
import type { Api, ApiMethod, CommandOutcome, Push, SessionInfo } from '../../../domain/backend/backend.js';
import type { Command } from '../../../domain/backend/commands.js';
import type { SystemInfo } from '../../../domain/backend/methods.js';
import type { ListParams, Page } from '../../../domain/backend/paging.js';
import type { ReplyMessage, RequestMessage, ServerMessage } from '../../../domain/backend/protocol.js';
import type { OperatorRow } from '../../../domain/operators/projection.js';
import type { Role } from '../../../domain/operators/roles.js';
import type { AppError, Result } from '../../../domain/shared/result.js';

export type { Api, ApiMethod, AppError, Command, CommandOutcome, ListParams, OperatorRow, Page, Push, ReplyMessage, RequestMessage, Result, Role, ServerMessage, SessionInfo, SystemInfo };

export type Params<M extends ApiMethod> = Api[M]['params'];
export type Reply<M extends ApiMethod> = Result<Api[M]['result']>;

/** Where the link to the backend is: the banner shows anything but `open`. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type ThemePreference = 'system' | 'light' | 'dark';

/** What the Electron menu asks the renderer to do. */
export type ShellCommand =
  | { readonly type: 'export' }
  | { readonly type: 'theme'; readonly theme: ThemePreference }
  | { readonly type: 'shortcuts' }
  | { readonly type: 'search' };

export interface SaveFileRequest {
  readonly suggestedName: string;
  readonly content: string;
}
export type SaveFileResult = { readonly saved: true; readonly path: string } | { readonly saved: false };

/** A charge run's reconciliation report to save: the ticket comes from `reports.ticket`. */
export interface SaveReportRequest {
  readonly ticket: string;
  readonly suggestedName: string;
  readonly format: 'csv' | 'xlsx' | 'pdf';
}

/** The invoice whose print view is on screen: its number once issued, else its id (it names the file). */
export interface SaveInvoicePdfRequest {
  readonly invoice: string;
}

/**
 * `window.cardops` in the Electron app: exactly the typed API, plus the few things only the
 * desktop shell can do. The preload implements it (`satisfies CardOpsBridge`).
 */
export interface CardOpsBridge {
  call<M extends ApiMethod>(method: M, params: Params<M>): Promise<Reply<M>>;
  onPush(listener: (push: Push) => void): () => void;
  onState(listener: (state: ConnectionState) => void): () => void;
  onShellCommand(listener: (command: ShellCommand) => void): () => void;
  saveFile(request: SaveFileRequest): Promise<SaveFileResult>;
  /** Saves a report through a Save dialog; the backend host writes it (a PDF is printed by Electron). */
  saveReport(request: SaveReportRequest): Promise<SaveFileResult>;
  /** Prints this window (the invoice print view) to an A4 PDF and saves it through a Save dialog. */
  saveInvoicePdf(request: SaveInvoicePdfRequest): Promise<SaveFileResult>;
  setTheme(theme: ThemePreference): void;
}
