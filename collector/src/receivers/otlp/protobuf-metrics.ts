/** Protobuf readers for OTLP's metrics/v1 messages (Metric, its five data kinds, exemplars). */
import {
  AggregationTemporality,
  type Exemplar,
  type ExponentialBuckets,
  type ExponentialHistogramDataPoint,
  type HistogramDataPoint,
  type Metric,
  type MetricData,
  type NumberDataPoint,
  type SummaryDataPoint,
} from '../../model/telemetry';
import { toTemporality } from './normalize';
import { readAttribute } from './protobuf-common';
import { ProtobufReader, WireType } from './protobuf-reader';

export function readMetric(r: ProtobufReader): Metric {
  const outer = r.enterMessage();
  const metric: Metric = { name: '', description: '', unit: '', metadata: [], data: undefined };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: metric.name = r.internedString(); break;
      case (2 << 3) | 2: metric.description = r.internedString(); break;
      case (3 << 3) | 2: metric.unit = r.internedString(); break;
      case (5 << 3) | 2: metric.data = readMetricData(r, 'gauge'); break;
      case (7 << 3) | 2: metric.data = readMetricData(r, 'sum'); break;
      case (9 << 3) | 2: metric.data = readMetricData(r, 'histogram'); break;
      case (10 << 3) | 2: metric.data = readMetricData(r, 'exponential_histogram'); break;
      case (11 << 3) | 2: metric.data = readMetricData(r, 'summary'); break;
      case (12 << 3) | 2: metric.metadata.push(readAttribute(r)); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return metric;
}

/**
 * Gauge/Sum/Histogram/ExponentialHistogram/Summary share one layout: data_points = 1,
 * aggregation_temporality = 2 (not in Gauge/Summary), is_monotonic = 3 (Sum only).
 */
function readMetricData(r: ProtobufReader, type: MetricData['type']): MetricData {
  const outer = r.enterMessage();
  const points: unknown[] = [];
  let temporality: AggregationTemporality = AggregationTemporality.UNSPECIFIED;
  let isMonotonic = false;
  const readPoint = POINT_READERS[type];
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: points.push(readPoint(r)); break;
      case (2 << 3) | 0: temporality = toTemporality(r.int32()); break;
      case (3 << 3) | 0: isMonotonic = r.bool(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  switch (type) {
    case 'gauge':
      return { type, dataPoints: points as NumberDataPoint[] };
    case 'sum':
      return { type, dataPoints: points as NumberDataPoint[], aggregationTemporality: temporality, isMonotonic };
    case 'histogram':
      return { type, dataPoints: points as HistogramDataPoint[], aggregationTemporality: temporality };
    case 'exponential_histogram':
      return { type, dataPoints: points as ExponentialHistogramDataPoint[], aggregationTemporality: temporality };
    case 'summary':
      return { type, dataPoints: points as SummaryDataPoint[] };
  }
}

const POINT_READERS: Record<MetricData['type'], (r: ProtobufReader) => unknown> = {
  gauge: readNumberPoint,
  sum: readNumberPoint,
  histogram: readHistogramPoint,
  exponential_histogram: readExponentialPoint,
  summary: readSummaryPoint,
};

function readNumberPoint(r: ProtobufReader): NumberDataPoint {
  const outer = r.enterMessage();
  const point: NumberDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    value: undefined,
    exemplars: [],
    flags: 0,
  };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (2 << 3) | 1: point.startTimeUnixNano = r.fixed64BigInt(); break;
      case (3 << 3) | 1: point.timeUnixNano = r.fixed64BigInt(); break;
      case (4 << 3) | 1: point.value = r.double(); break;
      case (5 << 3) | 2: point.exemplars.push(readExemplar(r)); break;
      case (6 << 3) | 1: point.value = r.sfixed64(); break;
      case (7 << 3) | 2: point.attributes.push(readAttribute(r)); break;
      case (8 << 3) | 0: point.flags = r.uint32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return point;
}

function readHistogramPoint(r: ProtobufReader): HistogramDataPoint {
  const outer = r.enterMessage();
  const point: HistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined,
    bucketCounts: [],
    explicitBounds: [],
    exemplars: [],
    flags: 0,
    min: undefined,
    max: undefined,
  };
  const pushBucketCount = () => point.bucketCounts.push(r.fixed64());
  const pushBound = () => point.explicitBounds.push(r.double());
  while (r.more()) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 6: r.repeated(tag, WireType.I64, pushBucketCount); continue;
      case 7: r.repeated(tag, WireType.I64, pushBound); continue;
    }
    switch (tag) {
      case (2 << 3) | 1: point.startTimeUnixNano = r.fixed64BigInt(); break;
      case (3 << 3) | 1: point.timeUnixNano = r.fixed64BigInt(); break;
      case (4 << 3) | 1: point.count = r.fixed64(); break;
      case (5 << 3) | 1: point.sum = r.double(); break;
      case (8 << 3) | 2: point.exemplars.push(readExemplar(r)); break;
      case (9 << 3) | 2: point.attributes.push(readAttribute(r)); break;
      case (10 << 3) | 0: point.flags = r.uint32(); break;
      case (11 << 3) | 1: point.min = r.double(); break;
      case (12 << 3) | 1: point.max = r.double(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return point;
}

function readExponentialPoint(r: ProtobufReader): ExponentialHistogramDataPoint {
  const outer = r.enterMessage();
  const point: ExponentialHistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined,
    scale: 0,
    zeroCount: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
    flags: 0,
    exemplars: [],
    min: undefined,
    max: undefined,
    zeroThreshold: 0,
  };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: point.attributes.push(readAttribute(r)); break;
      case (2 << 3) | 1: point.startTimeUnixNano = r.fixed64BigInt(); break;
      case (3 << 3) | 1: point.timeUnixNano = r.fixed64BigInt(); break;
      case (4 << 3) | 1: point.count = r.fixed64(); break;
      case (5 << 3) | 1: point.sum = r.double(); break;
      case (6 << 3) | 0: point.scale = r.sint32(); break;
      case (7 << 3) | 1: point.zeroCount = r.fixed64(); break;
      case (8 << 3) | 2: point.positive = readBuckets(r); break;
      case (9 << 3) | 2: point.negative = readBuckets(r); break;
      case (10 << 3) | 0: point.flags = r.uint32(); break;
      case (11 << 3) | 2: point.exemplars.push(readExemplar(r)); break;
      case (12 << 3) | 1: point.min = r.double(); break;
      case (13 << 3) | 1: point.max = r.double(); break;
      case (14 << 3) | 1: point.zeroThreshold = r.double(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return point;
}

/** Buckets { sint32 offset = 1; repeated uint64 bucket_counts = 2; } */
function readBuckets(r: ProtobufReader): ExponentialBuckets {
  const outer = r.enterMessage();
  const buckets: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  const pushCount = () => buckets.bucketCounts.push(r.uint64());
  while (r.more()) {
    const tag = r.tag();
    if (tag === ((1 << 3) | 0)) buckets.offset = r.sint32();
    else if (tag >>> 3 === 2) r.repeated(tag, WireType.VARINT, pushCount);
    else r.skip(tag);
  }
  r.leaveMessage(outer);
  return buckets;
}

function readSummaryPoint(r: ProtobufReader): SummaryDataPoint {
  const outer = r.enterMessage();
  const point: SummaryDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: 0,
    quantileValues: [],
    flags: 0,
  };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (2 << 3) | 1: point.startTimeUnixNano = r.fixed64BigInt(); break;
      case (3 << 3) | 1: point.timeUnixNano = r.fixed64BigInt(); break;
      case (4 << 3) | 1: point.count = r.fixed64(); break;
      case (5 << 3) | 1: point.sum = r.double(); break;
      case (6 << 3) | 2: point.quantileValues.push(readQuantile(r)); break;
      case (7 << 3) | 2: point.attributes.push(readAttribute(r)); break;
      case (8 << 3) | 0: point.flags = r.uint32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return point;
}

/** ValueAtQuantile { double quantile = 1; double value = 2; } */
function readQuantile(r: ProtobufReader): { quantile: number; value: number } {
  const outer = r.enterMessage();
  const q = { quantile: 0, value: 0 };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 1: q.quantile = r.double(); break;
      case (2 << 3) | 1: q.value = r.double(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return q;
}

/** An exemplar that sets neither as_double nor as_int reads as value 0. */
function readExemplar(r: ProtobufReader): Exemplar {
  const outer = r.enterMessage();
  const exemplar: Exemplar = { filteredAttributes: [], timeUnixNano: 0n, value: 0, spanId: '', traceId: '' };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (2 << 3) | 1: exemplar.timeUnixNano = r.fixed64BigInt(); break;
      case (3 << 3) | 1: exemplar.value = r.double(); break;
      case (4 << 3) | 2: exemplar.spanId = r.hex(); break;
      case (5 << 3) | 2: exemplar.traceId = r.hex(); break;
      case (6 << 3) | 1: exemplar.value = r.sfixed64(); break;
      case (7 << 3) | 2: exemplar.filteredAttributes.push(readAttribute(r)); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return exemplar;
}
