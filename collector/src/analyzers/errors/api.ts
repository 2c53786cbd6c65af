/**
 * The errors API on the API port: issues (GET /api/errors, GET /api/errors/:fingerprint,
 * POST /api/errors/:fingerprint/resolve) and source map uploads (POST /api/sourcemaps).
 * Input is validated with zod before it reaches InfluxQL or the file system.
 */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { HermesError } from '../../pipeline/errors';
import type { Logger } from '../../pipeline/logger';
import { FINGERPRINT_PATTERN, type IssueService } from './issues';
import type { SourceMapStore } from './sourcemaps';

export interface ErrorsRouterOptions {
  issues: IssueService;
  /** Absent: POST /api/sourcemaps answers 404 (source maps disabled). */
  sourceMaps?: SourceMapStore;
  maxSourceMapBytes: number;
  logger: Logger;
}

const label = z.string().trim().min(1).max(256);

/** An ISO 8601 time or epoch milliseconds, as epoch ms. */
const instant = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const ms = /^\d{1,16}$/.test(text) ? Number(text) : /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : NaN;
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

export const listQuerySchema = z
  .strictObject({
    service: label.optional(),
    environment: label.optional(),
    release: label.optional(),
    from: instant.optional(),
    to: instant.optional(),
    status: z.enum(['unresolved', 'resolved', 'regressed']).optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, 'expected an integer from 1 to 1000')
      .transform(Number)
      .pipe(z.number().min(1).max(1000))
      .default(100),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

const fingerprintParam = z.string().regex(FINGERPRINT_PATTERN, 'expected 32 lowercase hex characters');

const resolveBodySchema = z.strictObject({ release: label.optional() });

export const sourceMapQuerySchema = z.strictObject({
  app: z.string().min(1).max(128),
  release: z.string().min(1).max(128),
  file: z.string().min(1).max(2048),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : what;
  throw new HermesError('HERMES_ERR_BAD_REQUEST', `${where}: ${issue.message}`);
}

export function createErrorsRouter(options: ErrorsRouterOptions): Router {
  const { issues, sourceMaps, logger } = options;
  const router = Router();

  router.get('/api/errors', async (req: Request, res: Response) => {
    const query = parse(listQuerySchema, req.query, 'query');
    res.json({ issues: await issues.list(query) });
  });

  router.get('/api/errors/:fingerprint', async (req: Request, res: Response) => {
    const fingerprint = parse(fingerprintParam, req.params.fingerprint, 'fingerprint');
    res.json(await issues.get(fingerprint));
  });

  router.post(
    '/api/errors/:fingerprint/resolve',
    express.json({ limit: 4 * 1024, type: 'application/json' }),
    async (req: Request, res: Response) => {
      const fingerprint = parse(fingerprintParam, req.params.fingerprint, 'fingerprint');
      const body = parse(resolveBodySchema, req.body ?? {}, 'body');
      const issue = await issues.resolve(fingerprint, body.release);
      logger.info('issue resolved', { fingerprint, release: body.release });
      res.json(issue);
    },
  );

  router.post(
    '/api/sourcemaps',
    // Any content type: upload tools send application/json, octet-stream or nothing at all.
    express.text({ limit: options.maxSourceMapBytes, type: () => true }),
    async (req: Request, res: Response) => {
      if (sourceMaps === undefined) throw new HermesError('HERMES_ERR_NO_SUCH_ENDPOINT', 'source maps are disabled (processors.errors.sourceMaps.enabled)');
      const query = parse(sourceMapQuerySchema, req.query, 'query');
      if (typeof req.body !== 'string' || req.body === '') throw new HermesError('HERMES_ERR_BAD_REQUEST', 'send the source map JSON as the body');
      const saved = await sourceMaps.save(query.app, query.release, query.file, req.body);
      logger.info('source map stored', { ...saved });
      res.status(201).json(saved);
    },
  );

  return router;
}
