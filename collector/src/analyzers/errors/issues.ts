/**
 * Issues and their lifecycle, computed from InfluxDB at query time: `error_occurrences`
 * (written by the processor) grouped by fingerprint, and `error_resolutions` (written by
 * `resolve`). Nothing is kept in memory, so every collector replica answers the same.
 */
import { consumeWhole, type Consumer } from '../../pipeline/component';
import { HermesError } from '../../pipeline/errors';
import { ERROR_OCCURRENCES_MEASUREMENT, ERROR_RESOLUTIONS_MEASUREMENT } from './processor';
import { identifier, stringLiteral, timeLiteral, type InfluxQueryClient, type QuerySeries } from '../../storage/influxdb';

export type IssueStatus = 'unresolved' | 'resolved' | 'regressed';

export interface IssueFilter {
  service?: string;
  environment?: string;
  release?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  to?: number;
  status?: IssueStatus;
  limit: number;
}

export interface IssueSummary {
  fingerprint: string;
  type: string;
  title: string;
  culprit: string;
  /** Occurrences matching the filter. */
  count: number;
  /** ISO times. firstSeen is the issue's first occurrence ever (retention permitting); lastSeen the latest matching the filter. */
  firstSeen: string;
  lastSeen: string;
  /** Releases (service.version) with matching occurrences, in order of first appearance. */
  releases: string[];
  services: string[];
  environments: string[];
  status: IssueStatus;
  /** The release the issue first appeared in. */
  firstRelease: string;
  /** First seen in the release asked for (`release=`), else in the release of its latest occurrence. */
  isNew: boolean;
  resolvedAt?: string;
  resolvedInRelease?: string;
}

export interface ReleaseStats {
  release: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The issue's first occurrence ever was in this release. */
  isNew: boolean;
}

export interface Occurrence {
  time: string;
  traceId: string;
  spanId: string;
  service: string;
  environment: string;
  release: string;
  message: string;
}

export interface IssueDetail extends IssueSummary {
  /** Frames of the latest occurrence, innermost first. */
  frames: unknown[];
  /** The latest occurrence's exception chain, the reported exception first. */
  chain: unknown[];
  runtime: string;
  fingerprintVersion: string;
  occurrences: Occurrence[];
  releaseStats: ReleaseStats[];
}

/** Fingerprints are lowercase hex (fingerprint.ts); anything else cannot name an issue. */
export const FINGERPRINT_PATTERN = /^[0-9a-f]{32}$/;
/** Above this many fingerprints the per-issue history query scans all instead of listing them. */
const MAX_LISTED_FINGERPRINTS = 500;

interface Stats {
  count: number;
  firstMs: number;
  lastMs: number;
}

interface Resolution {
  atMs: number;
  release: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function merge(into: Stats | undefined, s: Stats): Stats {
  if (into === undefined) return { ...s };
  return { count: into.count + s.count, firstMs: Math.min(into.firstMs, s.firstMs), lastMs: Math.max(into.lastMs, s.lastMs) };
}

export interface IssueServiceOptions {
  client: InfluxQueryClient;
  /** Where resolutions are written: the head of the pipeline that takes the API's writes. */
  writer: Consumer;
  /** Recent occurrences returned by `get`. */
  recentOccurrences?: number;
  nowMs?: () => number;
}

export class IssueService {
  private readonly client: InfluxQueryClient;
  private readonly occurrences: string;
  private readonly resolutions: string;
  private readonly nowMs: () => number;

  constructor(private readonly options: IssueServiceOptions) {
    this.client = options.client;
    this.occurrences = this.client.from(ERROR_OCCURRENCES_MEASUREMENT);
    this.resolutions = this.client.from(ERROR_RESOLUTIONS_MEASUREMENT);
    this.nowMs = options.nowMs ?? Date.now;
  }

  private where(filter: Partial<IssueFilter>, fingerprints?: string[]): string {
    const conditions: string[] = [];
    if (filter.from !== undefined) conditions.push(`time >= ${timeLiteral(filter.from)}`);
    // Traced occurrences are stored at their whole second, so bounds are exact to the second.
    if (filter.to !== undefined) conditions.push(`time <= ${timeLiteral(filter.to)}`);
    if (filter.service !== undefined) conditions.push(`${identifier('service')} = ${stringLiteral(filter.service)}`);
    if (filter.environment !== undefined) conditions.push(`${identifier('environment')} = ${stringLiteral(filter.environment)}`);
    if (filter.release !== undefined) conditions.push(`${identifier('version')} = ${stringLiteral(filter.release)}`);
    if (fingerprints !== undefined) {
      // Safe to inline: only strings matching FINGERPRINT_PATTERN get here.
      conditions.push(`${identifier('fingerprint')} =~ /^(${fingerprints.filter((f) => FINGERPRINT_PATTERN.test(f)).join('|')})$/`);
    }
    return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  }

  private statsStatement(where: string, groupBy: string[]): string {
    return (
      `SELECT count("fingerprint_version") AS "count", min("occurred_at_unix_ms") AS "first_ms", max("occurred_at_unix_ms") AS "last_ms" ` +
      `FROM ${this.occurrences}${where} GROUP BY ${groupBy.map(identifier).join(', ')}`
    );
  }

  private latestStatement(where: string): string {
    return `SELECT "type", "title", "culprit" FROM ${this.occurrences}${where} GROUP BY "fingerprint" ORDER BY time DESC LIMIT 1`;
  }

  private resolutionsStatement(where: string): string {
    return `SELECT "resolved_at_unix_ms", "resolved_in_release" FROM ${this.resolutions}${where} GROUP BY "fingerprint" ORDER BY time DESC LIMIT 1`;
  }

  /** The issues with occurrences matching `filter`, most recently seen first. */
  async list(filter: IssueFilter): Promise<IssueSummary[]> {
    const where = this.where(filter);
    const [window, latest] = await this.client.query([
      this.statsStatement(where, ['fingerprint', 'service', 'environment', 'version']),
      this.latestStatement(where),
    ]);
    const fingerprints = [...new Set(window.map((s) => s.tags.fingerprint ?? ''))].filter((f) => f !== '');
    if (fingerprints.length === 0) return [];
    const only = fingerprints.length <= MAX_LISTED_FINGERPRINTS ? this.where({}, fingerprints) : '';
    const [history, resolutions] = await this.client.query([
      this.statsStatement(only, ['fingerprint', 'version']),
      this.resolutionsStatement(only),
    ]);
    const issues = this.summaries(window, latest, history, resolutions, filter.release);
    return issues
      .filter((issue) => filter.status === undefined || issue.status === filter.status)
      .sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : a.fingerprint.localeCompare(b.fingerprint)))
      .slice(0, filter.limit);
  }

  private summaries(window: QuerySeries[], latest: QuerySeries[], history: QuerySeries[], resolutionSeries: QuerySeries[], release?: string): IssueSummary[] {
    const byFingerprint = new Map<string, { total?: Stats; releases: Map<string, Stats>; services: Set<string>; environments: Set<string> }>();
    for (const series of window) {
      const row = series.rows[0];
      if (row === undefined) continue;
      const stats: Stats = { count: num(row.count), firstMs: num(row.first_ms), lastMs: num(row.last_ms) };
      const fp = series.tags.fingerprint ?? '';
      let entry = byFingerprint.get(fp);
      if (entry === undefined) byFingerprint.set(fp, (entry = { releases: new Map(), services: new Set(), environments: new Set() }));
      entry.total = merge(entry.total, stats);
      const version = series.tags.version ?? '';
      if (version !== '') entry.releases.set(version, merge(entry.releases.get(version), stats));
      if (series.tags.service) entry.services.add(series.tags.service);
      if (series.tags.environment) entry.environments.add(series.tags.environment);
    }
    const meta = new Map(latest.map((s) => [s.tags.fingerprint ?? '', s.rows[0] ?? {}]));
    const lifetimes = this.lifetimes(history);
    const resolutions = new Map<string, Resolution>();
    for (const s of resolutionSeries) {
      const row = s.rows[0];
      if (row !== undefined) resolutions.set(s.tags.fingerprint ?? '', { atMs: num(row.resolved_at_unix_ms), release: str(row.resolved_in_release) });
    }

    const out: IssueSummary[] = [];
    for (const [fp, entry] of byFingerprint) {
      const total = entry.total!;
      const life = lifetimes.get(fp) ?? { total, releases: new Map<string, Stats>(), firstRelease: '', latestRelease: '' };
      const resolution = resolutions.get(fp);
      const status: IssueStatus = resolution === undefined ? 'unresolved' : life.total.lastMs > resolution.atMs ? 'regressed' : 'resolved';
      const m = meta.get(fp) ?? {};
      const summary: IssueSummary = {
        fingerprint: fp,
        type: str(m.type),
        title: str(m.title),
        culprit: str(m.culprit),
        count: total.count,
        firstSeen: iso(life.total.firstMs),
        lastSeen: iso(total.lastMs),
        releases: [...entry.releases].sort((a, b) => a[1].firstMs - b[1].firstMs).map(([r]) => r),
        services: [...entry.services].sort(),
        environments: [...entry.environments].sort(),
        status,
        firstRelease: life.firstRelease,
        isNew: life.firstRelease !== '' && life.firstRelease === (release ?? life.latestRelease),
      };
      if (resolution !== undefined) {
        summary.resolvedAt = iso(resolution.atMs);
        if (resolution.release !== '') summary.resolvedInRelease = resolution.release;
      }
      out.push(summary);
    }
    return out;
  }

  /** Per fingerprint over all retained data: first/last seen, per-release stats, first and latest release. */
  private lifetimes(history: QuerySeries[]): Map<string, { total: Stats; releases: Map<string, Stats>; firstRelease: string; latestRelease: string }> {
    const out = new Map<string, { total: Stats; releases: Map<string, Stats>; firstRelease: string; latestRelease: string }>();
    for (const series of history) {
      const row = series.rows[0];
      if (row === undefined) continue;
      const stats: Stats = { count: num(row.count), firstMs: num(row.first_ms), lastMs: num(row.last_ms) };
      const fp = series.tags.fingerprint ?? '';
      const version = series.tags.version ?? '';
      const life = out.get(fp);
      if (life === undefined) {
        out.set(fp, { total: stats, releases: new Map([[version, stats]]), firstRelease: version, latestRelease: version });
        continue;
      }
      if (stats.firstMs < life.total.firstMs) life.firstRelease = version;
      if (stats.lastMs > life.total.lastMs) life.latestRelease = version;
      life.total = merge(life.total, stats);
      life.releases.set(version, merge(life.releases.get(version), stats));
    }
    return out;
  }

  /** One issue with frames, chain and recent occurrences; HERMES_ERR_NOT_FOUND when it has no occurrence. */
  async get(fingerprint: string): Promise<IssueDetail> {
    if (!FINGERPRINT_PATTERN.test(fingerprint)) throw new HermesError('HERMES_ERR_NOT_FOUND', `no issue ${JSON.stringify(fingerprint)}`);
    const where = this.where({}, [fingerprint]);
    const limit = this.options.recentOccurrences ?? 20;
    const [window, latest, history, resolutions, recent] = await this.client.query([
      this.statsStatement(where, ['fingerprint', 'service', 'environment', 'version']),
      this.latestStatement(where),
      this.statsStatement(where, ['fingerprint', 'version']),
      this.resolutionsStatement(where),
      `SELECT * FROM ${this.occurrences}${where} ORDER BY time DESC LIMIT ${limit}`,
    ]);
    const summary = this.summaries(window, latest, history, resolutions)[0];
    if (summary === undefined) throw new HermesError('HERMES_ERR_NOT_FOUND', `no issue ${fingerprint}`);
    const rows = recent[0]?.rows ?? [];
    const newest = rows[0] ?? {};
    const life = this.lifetimes(history).get(fingerprint);
    return {
      ...summary,
      runtime: str(newest.runtime),
      fingerprintVersion: str(newest.fingerprint_version),
      frames: parseJsonArray(newest.frames),
      chain: parseJsonArray(newest.chain),
      occurrences: rows.map((row) => ({
        time: iso(num(row.occurred_at_unix_ms) || num(row.time)),
        traceId: str(row.trace_id),
        spanId: str(row.span_id),
        service: str(row.service),
        environment: str(row.environment),
        release: str(row.version),
        message: str(row.message),
      })),
      releaseStats: [...(life?.releases ?? [])]
        .filter(([release]) => release !== '')
        .sort((a, b) => a[1].firstMs - b[1].firstMs)
        .map(([release, s]) => ({ release, count: s.count, firstSeen: iso(s.firstMs), lastSeen: iso(s.lastMs), isNew: release === life?.firstRelease })),
    };
  }

  /**
   * Marks an issue resolved now: one `error_resolutions` point through the pipeline's
   * consumer. Later occurrences make it `regressed`. HERMES_ERR_NOT_FOUND for an unknown issue.
   */
  async resolve(fingerprint: string, release?: string): Promise<IssueSummary> {
    await this.get(fingerprint);
    const atMs = this.nowMs();
    const fields: Record<string, string | number> = { resolved_at_unix_ms: atMs };
    if (release !== undefined) fields.resolved_in_release = release;
    await consumeWhole(this.options.writer, {
      signal: 'records',
      records: [
        {
          measurement: ERROR_RESOLUTIONS_MEASUREMENT,
          tags: { fingerprint },
          fields,
          timeUnixNano: BigInt(atMs) * 1_000_000n,
          identity: `${fingerprint}:${atMs}`,
        },
      ],
    });
    const { frames: _f, chain: _c, occurrences: _o, releaseStats: _r, runtime: _rt, fingerprintVersion: _v, ...summary } = await this.get(fingerprint);
    return summary;
  }
}

function parseJsonArray(value: unknown): unknown[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
