import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.ts';
import { registerDashboard } from './dashboard-routes.ts';
import { cancelRoute } from './routes/cancel.ts';
import { createSessionRoute } from './routes/create-session.ts';
import { createDemoSessionRoute } from './routes/create-demo-session.ts';
import { deleteAllSessionsRoute } from './routes/delete-all-sessions.ts';
import { deleteSessionRoute } from './routes/delete-session.ts';
import { getMessagesRoute } from './routes/get-messages.ts';
import { getSessionRoute } from './routes/get-session.ts';
import { getStatusRoute } from './routes/get-status.ts';
import { healthzRoute } from './routes/healthz.ts';
import { metricsRoute } from './routes/metrics.ts';
import { listModelsRoute } from './routes/list-models.ts';
import { listSessionsRoute } from './routes/list-sessions.ts';
import { liveViewRoute } from './routes/live-view.ts';
import { navigateRoute } from './routes/navigate.ts';
import { openApiRoute } from './routes/openapi.ts';
import { pauseRoute } from './routes/pause.ts';
import { resumeRoute } from './routes/resume.ts';
import { screenshotRoute } from './routes/screenshot.ts';
import { deleteFileRoute } from './routes/delete-file.ts';
import { getFileRoute } from './routes/get-file.ts';
import { listFilesRoute } from './routes/list-files.ts';
import { uploadFileRoute } from './routes/upload-file.ts';
import { getReplayRoute } from './routes/get-replay.ts';
import { getReplayStepRoute } from './routes/get-replay-step.ts';
import { sendMessageRoute } from './routes/send-message.ts';
import { streamEventsRoute } from './routes/stream-events.ts';
import { createPaymentTokenRoute } from './routes/create-payment-token.ts';
import { listPaymentTokensRoute } from './routes/list-payment-tokens.ts';
import { getPaymentTokenRoute } from './routes/get-payment-token.ts';
import { deletePaymentTokenRoute } from './routes/delete-payment-token.ts';
import { listApprovalsRoute } from './routes/list-approvals.ts';
import { stepDesktopRoute } from './routes/step-desktop.ts';

/** Every route of spec §1 and of Steward's extensions, one file each. */
export const ROUTES = [
  createSessionRoute,
  listSessionsRoute,
  getSessionRoute,
  deleteSessionRoute,
  deleteAllSessionsRoute,
  sendMessageRoute,
  getStatusRoute,
  getMessagesRoute,
  streamEventsRoute,
  pauseRoute,
  resumeRoute,
  cancelRoute,
  navigateRoute,
  screenshotRoute,
  stepDesktopRoute,
  uploadFileRoute,
  listFilesRoute,
  getFileRoute,
  deleteFileRoute,
  getReplayRoute,
  getReplayStepRoute,
  createPaymentTokenRoute,
  listPaymentTokensRoute,
  getPaymentTokenRoute,
  deletePaymentTokenRoute,
  listApprovalsRoute,
  createDemoSessionRoute,
  listModelsRoute,
  liveViewRoute,
  openApiRoute,
  healthzRoute,
] as const;

export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  for (const route of ROUTES) route(app, deps);
  metricsRoute(app, deps);
  registerDashboard(app, deps.dashboardDir);
}

/** A cluster worker's HTTP: only what operators and load balancers ask of every node. */
export function registerOpsRoutes(app: FastifyInstance, deps: Pick<ApiDeps, 'health' | 'metrics'>): void {
  healthzRoute(app, deps);
  metricsRoute(app, deps);
}
