/**
 * The collector's own Prometheus metrics (served on the API port at /metrics).
 * One registry per collector instance so tests can run several side by side.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface QueueState {
  bytes: number;
  segments: number;
  pendingEntries: number;
  oldestAgeSeconds: number;
}

export class SelfMetrics {
  readonly registry = new Registry();

  /** Items (spans, metric data points, log records) decoded from requests. */
  readonly itemsReceived = new Counter({
    name: 'hermes_receiver_items_received_total',
    help: 'Telemetry items (spans, data points, log records) accepted by a receiver',
    labelNames: ['receiver', 'signal'] as const,
    registers: [this.registry],
  });

  /** Items or whole requests refused, by reason (the error code). */
  readonly itemsRefused = new Counter({
    name: 'hermes_receiver_items_refused_total',
    help: 'Telemetry items refused by a receiver, by reason; a refused request counts its items when known, else 1',
    labelNames: ['receiver', 'signal', 'reason'] as const,
    registers: [this.registry],
  });

  readonly requests = new Counter({
    name: 'hermes_receiver_requests_total',
    help: 'Requests answered by a receiver, by HTTP status',
    labelNames: ['receiver', 'signal', 'status'] as const,
    registers: [this.registry],
  });

  readonly pointsWritten = new Counter({
    name: 'hermes_exporter_points_written_total',
    help: 'Points InfluxDB acknowledged',
    labelNames: ['exporter'] as const,
    registers: [this.registry],
  });

  readonly pointsDropped = new Counter({
    name: 'hermes_exporter_points_dropped_total',
    help: 'Points (or fields) given up on, by reason',
    labelNames: ['exporter', 'reason'] as const,
    registers: [this.registry],
  });

  readonly queuePoints = new Gauge({
    name: 'hermes_exporter_queue_points',
    help: 'Points waiting to be written',
    labelNames: ['exporter'] as const,
    registers: [this.registry],
  });

  readonly writeDuration = new Histogram({
    name: 'hermes_exporter_write_duration_seconds',
    help: 'Latency of one write request to InfluxDB, by outcome',
    labelNames: ['exporter', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Exceptions the errors analyzer turned into occurrence records, by stack-trace dialect (a bounded set). */
  readonly errorOccurrences = new Counter({
    name: 'hermes_errors_occurrences_total',
    help: 'Exceptions (span events and log records) recorded as error occurrences, by runtime',
    labelNames: ['processor', 'runtime'] as const,
    registers: [this.registry],
  });

  /** Stack frames resolved through an uploaded source map. */
  readonly sourceMapFramesResolved = new Counter({
    name: 'hermes_errors_sourcemap_frames_resolved_total',
    help: 'Minified JavaScript frames resolved through an uploaded source map',
    labelNames: ['processor'] as const,
    registers: [this.registry],
  });

  /** The write-ahead log, read at scrape time from the source `observeQueue` registers. */
  private queueSource: (() => QueueState) | undefined;

  readonly queueBytes: Gauge = this.queueGauge('hermes_queue_bytes', 'Bytes of the write-ahead log on disk', (q) => q.bytes);
  readonly queueSegments: Gauge = this.queueGauge('hermes_queue_segments', 'Files of the write-ahead log', (q) => q.segments);
  readonly queuePendingEntries: Gauge = this.queueGauge(
    'hermes_queue_pending_entries',
    'Batches in the write-ahead log not yet written to InfluxDB',
    (q) => q.pendingEntries,
  );
  readonly queueOldestAge: Gauge = this.queueGauge(
    'hermes_queue_oldest_unwritten_age_seconds',
    'Age of the oldest batch in the write-ahead log not yet written to InfluxDB (0 when none)',
    (q) => q.oldestAgeSeconds,
  );

  readonly queueFsync = new Histogram({
    name: 'hermes_queue_fsync_duration_seconds',
    help: 'Latency of one fsync of the write-ahead log (one per group of concurrent batches)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly queueReplayedPoints = new Counter({
    name: 'hermes_queue_replayed_points_total',
    help: 'Points read back from the write-ahead log at start, to be written (again) to InfluxDB',
    registers: [this.registry],
  });

  readonly queueCorruptBytes = new Counter({
    name: 'hermes_queue_corrupt_bytes_total',
    help: 'Bytes of the write-ahead log cut off at start because a record was torn or failed its checksum',
    registers: [this.registry],
  });

  /** Reports the write-ahead log's state on every scrape. */
  observeQueue(source: () => QueueState): void {
    this.queueSource = source;
  }

  private queueGauge(name: string, help: string, read: (state: QueueState) => number): Gauge {
    const source = () => this.queueSource?.();
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        const state = source();
        this.set(state === undefined ? 0 : read(state));
      },
    });
  }

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'hermes_' });
  }
}
