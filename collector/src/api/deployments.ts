/**
 * POST /api/deployments: the collector side of the SDK's `recordDeployment` (payload contract in
 * sdk/README.md). Validates the payload and hands one `deployments` record (docs/schema.md) to
 * the pipeline's consumer, so a release marker obeys the same limits, retries and shutdown as
 * telemetry. Not a deployment registry: nothing is read back here.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { HermesRecord } from '../model/telemetry';
import type { Consumer } from '../pipeline/component';
import { HermesError, isHermesError, type ErrorCode } from '../pipeline/errors';
import type { Logger } from '../pipeline/logger';

export interface DeploymentsRouterOptions {
  /** Takes the record onward (the InfluxDB exporter); its refusals become the HTTP status. */
  consumer: Consumer;
  logger: Logger;
  /** Clock for payloads without `timestampMs` (tests). */
  nowMs?: () => number;
}

export const DEPLOYMENTS_MEASUREMENT = 'deployments';
export const MAX_DEPLOYMENT_BODY_BYTES = 16 * 1024;

const text = (max: number) => z.string().trim().min(1).max(max);

/** The payload of sdk/README.md "Deployment payload"; unknown keys are ignored (newer SDKs may send more). */
export const deploymentSchema = z.object({
  service: text(256),
  version: text(256),
  environment: text(256).optional(),
  commit: text(256).optional(),
  description: z.string().max(4096).optional(),
  timestampMs: z.number().int().positive().max(8_640_000_000_000_000).optional(),
});

export type Deployment = z.infer<typeof deploymentSchema> & { timestampMs: number };

/** The record of a deployment: tags service and environment, fields version, commit, description. */
export function deploymentRecord(deployment: Deployment): HermesRecord {
  const fields: HermesRecord['fields'] = { version: deployment.version };
  if (deployment.commit !== undefined) fields.commit = deployment.commit;
  if (deployment.description !== undefined) fields.description = deployment.description;
  return {
    measurement: DEPLOYMENTS_MEASUREMENT,
    tags: { service: deployment.service, environment: deployment.environment ?? '' },
    fields,
    timeUnixNano: BigInt(deployment.timestampMs) * 1_000_000n,
    // Recording the same release twice at the same time is one deployment.
    identity: deployment.version,
  };
}

/** The router to mount on the API server (it carries its own full path). */
export function createDeploymentsRouter(options: DeploymentsRouterOptions): Router {
  const nowMs = options.nowMs ?? Date.now;
  const router = Router();
  router.post(
    '/api/deployments',
    express.json({ limit: MAX_DEPLOYMENT_BODY_BYTES, type: 'application/json' }),
    async (req: Request, res: Response) => {
      if (!req.is('application/json')) {
        return sendError(res, new HermesError('HERMES_ERR_UNSUPPORTED_MEDIA_TYPE', 'send application/json'));
      }
      const parsed = deploymentSchema.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const detail = `${issue.path.join('.') || 'body'}: ${issue.message}`;
        return sendError(res, new HermesError('HERMES_ERR_BAD_REQUEST', `invalid deployment: ${detail}`));
      }
      const deployment: Deployment = { ...parsed.data, timestampMs: parsed.data.timestampMs ?? nowMs() };
      try {
        await options.consumer.consume({ signal: 'records', records: [deploymentRecord(deployment)] });
      } catch (err) {
        return sendError(res, isHermesError(err) ? err : new HermesError('HERMES_ERR_INTERNAL', (err as Error).message));
      }
      options.logger.info('deployment recorded', { service: deployment.service, version: deployment.version });
      res.status(201).json(deployment);
    },
  );
  // express.json's own failures (malformed JSON, too large) answered in the same shape.
  router.use('/api/deployments', (err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    const code: ErrorCode | undefined =
      err.type === 'entity.too.large' ? 'HERMES_ERR_BODY_TOO_LARGE' : err.type === 'entity.parse.failed' ? 'HERMES_ERR_BAD_REQUEST' : undefined;
    if (!code) return next(err);
    sendError(res, new HermesError(code, err.message));
  });
  return router;
}

function sendError(res: Response, err: HermesError): void {
  if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  res.status(err.httpStatus).json({ code: err.code, message: err.message });
}
