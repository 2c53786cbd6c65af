import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './env';
import { loadConfig } from './load';

function yamlFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hermes-config-')), 'hermes.yaml');
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('gives the documented defaults with no file and no environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.receivers.otlp_http).toMatchObject({ host: '127.0.0.1', port: 4318 });
    expect(config.receivers.otlp_grpc.port).toBe(4317);
    expect(config.api).toEqual({ host: '127.0.0.1', port: 4319 });
    expect(config.exporters.influxdb).toMatchObject({ url: 'http://127.0.0.1:8086', database: 'hermes', retentionDuration: '7d' });
    expect(Object.isFrozen(config.exporters.influxdb)).toBe(true);
  });

  it('lets environment variables override the file, and listeners inherit HERMES_HOST', () => {
    const path = yamlFile('exporters:\n  influxdb:\n    database: from_file\n    batchMaxPoints: 100\nreceivers:\n  otlp_http:\n    port: 5000\n');
    const config = loadConfig({
      configPath: path,
      env: { HERMES_INFLUX_DATABASE: 'from_env', HERMES_HOST: '0.0.0.0', HERMES_TAG_ATTRIBUTES: 'a, b,', HERMES_API_PORT: ' ', HERMES_ERRORS_ENABLED: 'false' },
    });
    expect(config.exporters.influxdb.database).toBe('from_env');
    expect(config.exporters.influxdb.batchMaxPoints).toBe(100);
    expect(config.exporters.influxdb.tagAttributes).toEqual(['a', 'b']);
    expect(config.receivers.otlp_http).toMatchObject({ host: '0.0.0.0', port: 5000 });
    expect(config.api).toEqual({ host: '0.0.0.0', port: 4319 });
    expect(config.processors.errors.enabled).toBe(false);
  });

  it.each([
    [{ HERMES_OTLP_HTTP_PORT: 'http' }, /HERMES_OTLP_HTTP_PORT: expected a port number from 0 to 65535, got 'http'/],
    [{ HERMES_API_PORT: '70000' }, /HERMES_API_PORT: expected a port number/],
    [{ HERMES_INFLUX_URL: 'influx:8086' }, /exporters\.influxdb\.url \(or HERMES_INFLUX_URL\)/],
    [{ HERMES_INFLUX_RETENTION: 'a week' }, /exporters\.influxdb\.retentionDuration \(or HERMES_INFLUX_RETENTION\)/],
    [{ HERMES_LOG_LEVEL: 'loud' }, /logLevel \(or HERMES_LOG_LEVEL\)/],
    [{ HERMES_INFLUX_CREATE_DATABASE: 'maybe' }, /HERMES_INFLUX_CREATE_DATABASE: expected true or false/],
  ])('stops on %j with a message naming the key', (env, message) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(message);
  });

  it('names unknown keys and wrong types in the file', () => {
    const path = yamlFile('receivers:\n  otlp_http:\n    prot: 4318\nexporters:\n  influxdb:\n    batchMaxPoints: many\n');
    expect(() => loadConfig({ configPath: path, env: {} })).toThrow(/receivers\.otlp_http: Unrecognized key: "prot"[\s\S]*exporters\.influxdb\.batchMaxPoints/);
  });

  it('refuses a file that is missing or not a mapping', () => {
    expect(() => loadConfig({ configPath: '/nonexistent/hermes.yaml', env: {} })).toThrow(/--config \/nonexistent\/hermes.yaml: cannot read/);
    expect(() => loadConfig({ configPath: yamlFile('- a\n- b\n'), env: {} })).toThrow(/expected a mapping/);
  });
});
