/**
 * POST /api/deployments: the collector side of the SDK's `recordDeployment` (payload contract in
 * sdk/README.md). Validates the payload and hands one `deployments` record (docs/schema.md) to
 * the pipeline's consumer, so a release marker obeys the same limits, retries and shutdown as
 * telemetry. Not a deployment registry: nothing is read back here.
 */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { HermesRecord } from '../model/telemetry';
import { consumeWhole, type Consumer } from '../pipeline/component';
import { HermesError } from '../pipeline/errors';
import type { Logger } from '../pipeline/logger';

export interface DeploymentsRouterOptions {
  /** Takes the record onward (the head of the pipeline that takes the API's writes); its refusals become the HTTP status. */
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

/** The router to mount on the API server (it carries its own full path; errors are thrown to the app's handler). */
export function createDeploymentsRouter(options: DeploymentsRouterOptions): Router {
  const nowMs = options.nowMs ?? Date.now;
  const router = Router();
  router.post(
    '/api/deployments',
    express.json({ limit: MAX_DEPLOYMENT_BODY_BYTES, type: 'application/json' }),
    async (req: Request, res: Response) => {
      if (!req.is('application/json')) throw new HermesError('HERMES_ERR_UNSUPPORTED_MEDIA_TYPE', 'send application/json');
      const parsed = deploymentSchema.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const detail = `${issue.path.join('.') || 'body'}: ${issue.message}`;
        throw new HermesError('HERMES_ERR_BAD_REQUEST', `invalid deployment: ${detail}`);
      }
      const deployment: Deployment = { ...parsed.data, timestampMs: parsed.data.timestampMs ?? nowMs() };
      await consumeWhole(options.consumer, { signal: 'records', records: [deploymentRecord(deployment)] });
      options.logger.info('deployment recorded', { service: deployment.service, version: deployment.version });
      res.status(201).json(deployment);
    },
  );
  return router;
}
