/** Component settings for tests: a silent logger, fresh metrics, and a host on the test influxd. */
import type { z } from 'zod';
import type { ComponentHost, ComponentSettings } from '../../src/pipeline/component';
import { silentLogger } from '../../src/pipeline/logger';
import { SelfMetrics } from '../../src/pipeline/self-metrics';
import { InfluxStorage, influxStorageConfigSchema } from '../../src/storage/influxdb';
import { testInfluxUrl } from './collector';

/** A host whose storage is `database` (any other storage key overridable) on the test influxd. */
export function testHost(storage: z.input<typeof influxStorageConfigSchema> = {}, dataDir = '.hermes/test-data'): ComponentHost {
  return { storage: new InfluxStorage(influxStorageConfigSchema.parse({ url: testInfluxUrl(), ...storage })), dataDir };
}

export function testSettings(id = 'test', host: ComponentHost = testHost(), metrics = new SelfMetrics()): ComponentSettings {
  return { id, logger: silentLogger, metrics, host };
}
