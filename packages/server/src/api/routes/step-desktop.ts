import type { FastifyInstance } from 'fastify';
import { MAX_DESKTOP_SCREENSHOT_CHARS, StepDesktopRequest, type StepDesktopResponse } from '@steward/protocol';
import { AppError } from '../../errors/index.ts';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { parseInput } from '../validate.ts';

/** A full-resolution screenshot in base64 plus the rest of the body. */
const STEP_BODY_LIMIT_BYTES = MAX_DESKTOP_SCREENSHOT_CHARS + 64 * 1024;

/**
 * `POST {agent_url}/step_desktop` (spec §1.14): `agent_url` is `/v1/sessions/{id}/desktop`. The
 * answer waits for the agent's decision on the screenshot; a client that hangs up drops it.
 */
export function stepDesktopRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.post<{ Params: SessionParams }>('/v1/sessions/:session_id/desktop/step_desktop', { bodyLimit: STEP_BODY_LIMIT_BYTES }, async (request, reply): Promise<StepDesktopResponse> => {
    const body = parseInput(StepDesktopRequest, request.body, 'body');
    if (body.session_id !== request.params.session_id) {
      throw new AppError('validation_error', { detail: 'session_id: must be the session of agent_url.' });
    }
    if (body.message !== undefined && body.user_response !== undefined && body.message !== body.user_response) {
      throw new AppError('validation_error', { detail: 'message and user_response: send the answer in one of them.' });
    }
    const hangUp = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) hangUp.abort(new Error('the client closed the connection'));
    });
    const step = await sessions.stepDesktop(
      request.apiKeyId,
      request.params.session_id,
      { screenshot: body.screenshot, message: body.message ?? body.user_response },
      hangUp.signal,
    );
    return {
      actions: step.actions,
      ...(step.thinking === undefined ? {} : { thinking: step.thinking }),
      finished: step.finished,
      ...(step.askUser === undefined ? {} : { ask_user: step.askUser }),
      step: step.step,
    };
  });
}
