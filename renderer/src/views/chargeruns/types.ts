/** The charge-run shapes the screens use: types only, from the API map. */
import type { Api, Push } from '../../api/types';

export type RunRow = Api['chargeRuns.list']['result']['rows'][number];
export type RunDetail = Api['chargeRuns.get']['result'];
export type PreviewResult = Api['chargeRuns.preview']['result'];
export type FeesInput = Api['chargeRuns.preview']['params']['fees'];
export type OutcomeRow = Api['chargeRuns.outcomes']['result']['rows'][number];
export type Outcome = OutcomeRow['outcome'];
export type ReportFormat = Api['reports.ticket']['params']['format'];

/** Live progress of a run, as the backend pushes it to every signed-in connection. */
export type RunProgress = Extract<Push, { topic: 'chargerun' }>['payload'];
