import { resolveConfig, DEFAULT_OFF } from './config';
import type { HermesOptions } from './types';

function resolve(options: HermesOptions = {}, env: Record<string, string> = {}) {
  const warnings: string[] = [];
  const config = resolveConfig(options, env, (m) => warnings.push(m));
  return { config, warnings, enabled: (name: string) => config.instrumentations.get(name as never)?.enabled };
}

describe('resolveConfig', () => {
  describe('export', () => {
    it('defaults to http/protobuf at 127.0.0.1:4318 with per-signal paths', () => {
      const { config, warnings } = resolve();
      expect(config.protocol).toBe('http/protobuf');
      expect([config.tracesUrl, config.metricsUrl, config.logsUrl]).toEqual([
        'http://127.0.0.1:4318/v1/traces',
        'http://127.0.0.1:4318/v1/metrics',
        'http://127.0.0.1:4318/v1/logs',
      ]);
      expect(config.apiUrl).toBe('http://127.0.0.1:4319');
      expect(config.metricExportIntervalMs).toBe(10_000);
      expect(warnings).toEqual([]);
    });

    it('takes protocol and endpoint from OTEL_* and HERMES_ENDPOINT, options winning over both', () => {
      const env = {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
        HERMES_ENDPOINT: 'http://hermes:4318/',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs-only:9999/custom',
      };
      const fromEnv = resolve({}, env).config;
      expect(fromEnv.protocol).toBe('http/json');
      expect(fromEnv.tracesUrl).toBe('http://hermes:4318/v1/traces');
      expect(fromEnv.logsUrl).toBe('http://logs-only:9999/custom');
      const fromOptions = resolve({ protocol: 'http/protobuf', endpoint: 'https://prod:8443' }, env).config;
      expect(fromOptions.protocol).toBe('http/protobuf');
      expect(fromOptions.logsUrl).toBe('https://prod:8443/v1/logs'); // an explicit endpoint beats signal env vars
    });

    it('uses port 4317 and no path for grpc', () => {
      const { config } = resolve({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
      expect(config.tracesUrl).toBe('http://127.0.0.1:4317');
    });

    it('warns and falls back on an invalid protocol, endpoint or interval', () => {
      const { config, warnings } = resolve(
        { endpoint: 'localhost:4318', metricExportIntervalMs: -5 },
        { OTEL_EXPORTER_OTLP_PROTOCOL: 'udp' },
      );
      expect(config.protocol).toBe('http/protobuf');
      expect(config.endpoint).toBe('http://127.0.0.1:4318');
      expect(config.metricExportIntervalMs).toBe(10_000);
      expect(warnings).toHaveLength(3);
      expect(warnings.join('\n')).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL="udp"[\s\S]*options.endpoint[\s\S]*metricExportIntervalMs/);
    });

    it('merges OTEL_EXPORTER_OTLP_HEADERS with option headers and honours *_EXPORTER=none', () => {
      const { config } = resolve({ headers: { b: 'option' } }, {
        OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=env',
        OTEL_TRACES_EXPORTER: 'none',
      });
      expect(config.headers).toEqual({ a: '1', b: 'option' });
      expect(config.exports).toEqual({ traces: 'none', metrics: 'otlp', logs: 'otlp' });
    });
  });

  describe('resource', () => {
    it('resolves service and environment: options, then HERMES_/OTEL_ variables, then NODE_ENV', () => {
      const env = {
        OTEL_SERVICE_NAME: 'from-env',
        OTEL_RESOURCE_ATTRIBUTES: 'service.version=9.9.9,team=payments,deployment.environment.name=qa',
        NODE_ENV: 'production',
      };
      expect(resolve({}, env).config.resourceAttributes).toEqual({
        'service.name': 'from-env',
        'service.version': '9.9.9',
        'deployment.environment.name': 'qa',
        team: 'payments',
      });
      expect(resolve({}, { ...env, HERMES_ENVIRONMENT: 'staging' }).config.environment).toBe('staging');
      expect(resolve({}, { NODE_ENV: 'production' }).config.environment).toBe('production');
      const fromOptions = resolve({ serviceName: 'opt', serviceVersion: '1.0.0', environment: 'dev', resourceAttributes: { team: 'core' } }, env);
      expect(fromOptions.config.resourceAttributes).toMatchObject({
        'service.name': 'opt',
        'service.version': '1.0.0',
        'deployment.environment.name': 'dev',
        team: 'core',
      });
    });

    it('leaves service.name unset when nothing names it (package.json fills it later)', () => {
      expect(resolve().config.serviceName).toBeUndefined();
      expect(resolve().config.resourceAttributes).toEqual({});
    });
  });

  describe('instrumentations', () => {
    it('turns the noisy and duplicate ones off by default and everything else on', () => {
      const { enabled } = resolve();
      for (const name of DEFAULT_OFF) expect(enabled(name)).toBe(false);
      for (const name of ['http', 'express', 'pg', 'undici', 'runtime', 'host', 'events']) expect(enabled(name)).toBe(true);
    });

    it('disables what HERMES_DISABLED_INSTRUMENTATIONS or OTEL_NODE_DISABLED_INSTRUMENTATIONS list', () => {
      const { enabled } = resolve({}, { HERMES_DISABLED_INSTRUMENTATIONS: 'http, runtime', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pg' });
      expect([enabled('http'), enabled('runtime'), enabled('pg'), enabled('express')]).toEqual([false, false, false, true]);
    });

    it('lets OTEL_NODE_ENABLED_INSTRUMENTATIONS restrict the auto-instrumentations without touching hermes ones', () => {
      const { enabled } = resolve({}, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,fs' });
      expect([enabled('http'), enabled('fs'), enabled('express'), enabled('host')]).toEqual([true, true, false, true]);
    });

    it('gives an explicit enabled in options the last word, and passes the rest of the config through', () => {
      const { config, enabled } = resolve(
        { instrumentations: { fs: { enabled: true }, http: { enabled: false }, host: { perCpu: true } } },
        { HERMES_DISABLED_INSTRUMENTATIONS: 'fs' },
      );
      expect([enabled('fs'), enabled('http')]).toEqual([true, false]);
      expect(config.instrumentations.get('host')?.config).toEqual({ perCpu: true, enabled: true });
    });

    it('warns about unknown names from env or options', () => {
      const { warnings } = resolve({ instrumentations: { htp: {} } as never }, { HERMES_DISABLED_INSTRUMENTATIONS: 'fss' });
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain('unknown instrumentation "fss"');
      expect(warnings[1]).toContain('unknown instrumentation "htp"');
    });
  });

  it('defers resource detector selection to OpenTelemetry only when OTEL_NODE_RESOURCE_DETECTORS is set', () => {
    expect(resolve().config.resourceDetectorsFromEnv).toBe(false);
    expect(resolve({}, { OTEL_NODE_RESOURCE_DETECTORS: ' ' }).config.resourceDetectorsFromEnv).toBe(false);
    expect(resolve({}, { OTEL_NODE_RESOURCE_DETECTORS: 'host,env' }).config.resourceDetectorsFromEnv).toBe(true);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(resolve().config)).toBe(true);
  });
});
