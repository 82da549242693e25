/**
 * Starts the backend host (a utility process), hands each window load a MessagePort to it, and
 * restarts it if it dies, telling the windows so they show "reconnecting".
 */
import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import type { HostStatus } from '../host/serve.js';
import { isReportReply, type ReportJob, type ReportReply } from '../host/reportProtocol.js';
import { CH } from './ipc.js';

export interface HostSupervisor {
  /** A new port for this page (on every load of it). */
  connect(contents: WebContents): void;
  /** Asks the host to close the store cleanly, then waits for it to exit (at most `ms`). */
  stop(ms?: number): Promise<void>;
  /** Asks the host, which holds the store, to write or render a report (electron/main/reports.ts). */
  report(job: Omit<ReportJob, 'kind' | 'id'>): Promise<ReportReply>;
}

export interface HostOptions {
  readonly entry: string;
  /** The host could not open the store (locked, damaged, no space): ask the operator. */
  readonly onFatal: (status: Extract<HostStatus, { kind: 'fatal' }>) => Promise<'retry' | 'quit'>;
}

const isStatus = (v: unknown): v is HostStatus => typeof v === 'object' && v !== null && ((v as { kind?: unknown }).kind === 'ready' || (v as { kind?: unknown }).kind === 'fatal');

export function superviseHost(options: HostOptions): HostSupervisor {
  const clients = new Set<WebContents>();
  let child: UtilityProcess | null = null;
  let ready = false;
  let stopping = false;
  let fatal = false;
  let restarts = 0;
  let startedAt = 0;
  let nextJob = 1;
  const jobs = new Map<number, (reply: ReportReply) => void>();

  const alive = (wc: WebContents): boolean => !wc.isDestroyed();

  function sendPort(wc: WebContents): void {
    if (!child || !ready || !alive(wc)) return;
    const { port1, port2 } = new MessageChannelMain();
    child.postMessage({ kind: 'connect' }, [port1]);
    wc.postMessage(CH.port, null, [port2]);
  }

  function broadcast(state: 'reconnecting' | 'closed'): void {
    for (const wc of clients) if (alive(wc)) wc.send(CH.state, state);
  }

  function start(): void {
    ready = false;
    fatal = false;
    startedAt = Date.now();
    const proc = utilityProcess.fork(options.entry, [], { serviceName: 'CardOps backend', stdio: 'inherit' });
    child = proc;
    proc.on('message', (m: unknown) => {
      if (isReportReply(m)) return void jobs.get(m.id)?.(m);
      if (!isStatus(m) || proc !== child) return;
      if (m.kind === 'ready') {
        ready = true;
        for (const wc of clients) sendPort(wc);
        return;
      }
      fatal = true;
      void options.onFatal(m).then((answer) => {
        if (answer === 'retry') start();
        else stopping = true;
      });
    });
    proc.on('exit', () => {
      if (proc !== child) return;
      for (const [id, done] of jobs) done({ kind: 'report-done', id, ok: false, code: 'DISCONNECTED', message: 'the CardOps backend stopped while writing the report: export it again' });
      child = null;
      ready = false;
      if (stopping || fatal) return;
      broadcast('reconnecting');
      // Back off when it keeps dying; a host that ran for a minute starts the count again.
      restarts = Date.now() - startedAt > 60_000 ? 1 : restarts + 1;
      setTimeout(start, Math.min(30_000, 500 * 2 ** (restarts - 1)));
    });
  }
  start();

  return {
    connect(wc) {
      if (!clients.has(wc)) {
        clients.add(wc);
        wc.once('destroyed', () => clients.delete(wc));
      }
      sendPort(wc);
    },
    report(job) {
      const id = nextJob++;
      return new Promise<ReportReply>((resolve) => {
        if (!child || !ready) return resolve({ kind: 'report-done', id, ok: false, code: 'OFFLINE', message: 'the CardOps backend is not running: wait a moment, then try again' });
        jobs.set(id, (reply) => {
          jobs.delete(id);
          resolve(reply);
        });
        child.postMessage({ ...job, kind: 'report', id } satisfies ReportJob);
      });
    },
    async stop(ms = 5000) {
      stopping = true;
      const proc = child;
      if (!proc) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          proc.kill();
          resolve();
        }, ms);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        proc.postMessage({ kind: 'shutdown' });
      });
    },
  };
}
