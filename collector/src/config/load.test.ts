import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './env';
import { loadConfig } from './load';

const folders: string[] = [];

function yamlFile(text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'hermes-config-'));
  folders.push(folder);
  const path = join(folder, 'hermes.yaml');
  writeFileSync(path, text);
  return path;
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('gives the documented defaults with no file and no environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.receivers.otlp_http).toMatchObject({ host: '127.0.0.1', port: 4318 });
    expect(config.receivers.otlp_grpc.port).toBe(4317);
    expect(config.api).toEqual({ host: '127.0.0.1', port: 4319 });
    expect(config.storage.influxdb).toMatchObject({ url: 'http://127.0.0.1:8086', database: 'hermes', retentionDuration: '7d' });
    expect(config.service.pipelines).toEqual({
      default: { signals: ['traces', 'metrics', 'logs'], receivers: ['otlp_http', 'api'], processors: ['errors'], exporters: ['influxdb'] },
    });
    expect(Object.isFrozen(config.storage.influxdb)).toBe(true);
  });

  it('lets environment variables override the file, and listeners inherit HERMES_HOST', () => {
    const path = yamlFile('storage:\n  influxdb:\n    database: from_file\nexporters:\n  influxdb:\n    batchMaxPoints: 100\nreceivers:\n  otlp_http:\n    port: 5000\n');
    const config = loadConfig({
      configPath: path,
      env: { HERMES_INFLUX_DATABASE: 'from_env', HERMES_HOST: '0.0.0.0', HERMES_TAG_ATTRIBUTES: 'a, b,', HERMES_API_PORT: ' ', HERMES_ERRORS_ENABLED: 'false' },
    });
    expect(config.storage.influxdb.database).toBe('from_env');
    expect(config.exporters.influxdb.batchMaxPoints).toBe(100);
    expect(config.storage.influxdb.tagAttributes).toEqual(['a', 'b']);
    expect(config.receivers.otlp_http).toMatchObject({ host: '0.0.0.0', port: 5000 });
    expect(config.api).toEqual({ host: '0.0.0.0', port: 4319 });
    expect(config.processors.errors.enabled).toBe(false);
  });

  it.each([
    [{ HERMES_OTLP_HTTP_PORT: 'http' }, /HERMES_OTLP_HTTP_PORT: expected a port number from 0 to 65535, got 'http'/],
    [{ HERMES_API_PORT: '70000' }, /HERMES_API_PORT: expected a port number/],
    [{ HERMES_INFLUX_URL: 'influx:8086' }, /storage\.influxdb\.url \(or HERMES_INFLUX_URL\)/],
    [{ HERMES_INFLUX_RETENTION: 'a week' }, /storage\.influxdb\.retentionDuration \(or HERMES_INFLUX_RETENTION\)/],
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

  it('says where storage keys moved when a file still has them under exporters.influxdb', () => {
    const path = yamlFile('exporters:\n  influxdb:\n    url: http://influx:8086\n    batchMaxPoints: 10\n');
    expect(() => loadConfig({ configPath: path, env: {} })).toThrow(/exporters\.influxdb: .*"url".*; url now belong under storage\.influxdb/);
  });

  it('takes pipelines naming registered components, in any number', () => {
    const path = yamlFile(
      'service:\n  pipelines:\n    traces:\n      signals: [traces]\n      receivers: [otlp_http, api]\n      processors: [errors]\n      exporters: [influxdb]\n' +
        '    rest:\n      signals: [metrics, logs]\n      receivers: [otlp_http]\n      exporters: [influxdb]\n',
    );
    const config = loadConfig({ configPath: path, env: {} });
    expect(config.service.pipelines.rest).toEqual({ signals: ['metrics', 'logs'], receivers: ['otlp_http'], processors: [], exporters: ['influxdb'] });
  });

  it.each([
    ['receivers: [otlp_grpc]\n      exporters: [influxdb]', /service\.pipelines\.p\.receivers\.0: unknown receiver 'otlp_grpc'; known: otlp_http, api/],
    ['receivers: [otlp_http]\n      processors: [errors, errors]\n      exporters: [influxdb]', /processors\.1: 'errors' is listed twice/],
    ['receivers: [otlp_http]\n      exporters: [kafka]', /exporters\.0: unknown exporter 'kafka'/],
    ['receivers: [otlp_http]\n      exporters: []', /service\.pipelines\.p\.exporters/],
  ])('refuses a pipeline that names what does not exist (%#)', (body, message) => {
    const path = yamlFile(`service:\n  pipelines:\n    p:\n      ${body}\n`);
    expect(() => loadConfig({ configPath: path, env: {} })).toThrow(message);
  });

  it("refuses the API's writes entering two pipelines", () => {
    const pipeline = (name: string) => `    ${name}:\n      receivers: [api]\n      exporters: [influxdb]\n`;
    const path = yamlFile(`service:\n  pipelines:\n${pipeline('a')}${pipeline('b')}`);
    expect(() => loadConfig({ configPath: path, env: {} })).toThrow(/service\.pipelines\.b\.receivers: 'api' is already in pipeline 'a'/);
  });

  it('refuses a file that is missing or not a mapping', () => {
    expect(() => loadConfig({ configPath: '/nonexistent/hermes.yaml', env: {} })).toThrow(/--config \/nonexistent\/hermes.yaml: cannot read/);
    expect(() => loadConfig({ configPath: yamlFile('- a\n- b\n'), env: {} })).toThrow(/expected a mapping/);
  });
});
