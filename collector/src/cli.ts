/** The `hermes` command: runs the collector, prints its effective config, explains options. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, configSchema, envBindings, loadConfig } from './config';
import { isHermesError } from './pipeline/errors';
import { startCollector } from './service';
import { createLogger } from './pipeline/logger';

const usage = `Usage: hermes <command> [--config FILE]

Commands:
  start     run the collector until SIGTERM or SIGINT (then flush and exit)
  config    print the effective configuration (secrets masked) and exit
  help      show this help

Options:
  -c, --config FILE   YAML config file; environment variables override it
  -h, --help          show this help
  -v, --version       print the version

Endpoints (default ports):
  OTLP/HTTP  :4318  POST /v1/traces, /v1/metrics, /v1/logs (protobuf or JSON; gzip, deflate, zstd)
  API        :4319  GET /                           every endpoint of the API port
                    GET /healthz, /readyz, /metrics  liveness, readiness, Prometheus self-metrics
                    GET /api/errors                  issues (?service=&environment=&release=&from=&to=&status=&limit=)
                    GET /api/errors/:fingerprint     one issue: frames, chain, recent occurrences
                    POST /api/errors/:fingerprint/resolve
                    POST /api/sourcemaps?app=&release=&file=
                    POST /api/deployments            record a release
`;

/** Every config key with its type and default, read from the validated schema itself. */
function describeKeys(): string {
  const lines: string[] = [];
  const walk = (node: Record<string, unknown>, prefix: string) => {
    const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
    if (!properties) return;
    for (const [key, child] of Object.entries(properties)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (child.type === 'object' && child.properties) {
        walk(child, path);
        continue;
      }
      const type = Array.isArray(child.enum) ? child.enum.join('|') : String(child.type ?? 'value');
      const fallback = child.default === undefined ? '' : ` (default ${JSON.stringify(child.default)})`;
      const description = typeof child.description === 'string' ? `  ${child.description}` : '';
      lines.push(`  ${path}: ${type}${fallback}${description}`);
    }
  };
  walk(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>, '');
  return lines.join('\n');
}

function help(): string {
  const env = envBindings.map((b) => `  ${b.name.padEnd(30)} ${b.path.join('.')}: ${b.description}`).join('\n');
  return `${usage}
Environment variables (blank means unset):
${env}

Config file keys:
${describeKeys()}
`;
}

function masked(config: unknown): unknown {
  return JSON.parse(
    JSON.stringify(config, (key, value) =>
      /password|token/i.test(key) && typeof value === 'string' && value !== '' ? '***' : value,
    ),
  );
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  const command = positionals[0] ?? (values.version ? 'version' : 'help');
  if (values.help || command === 'help') {
    process.stdout.write(help());
    return 0;
  }
  if (command === 'version') {
    process.stdout.write(`${(JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as { version: string }).version}\n`);
    return 0;
  }
  if (command !== 'start' && command !== 'config') {
    process.stderr.write(`hermes: unknown command '${command}'\n\n${usage}`);
    return 2;
  }
  const config = loadConfig({ configPath: values.config });
  if (command === 'config') {
    process.stdout.write(JSON.stringify(masked(config), null, 2) + '\n');
    return 0;
  }
  const logger = createLogger(config.logLevel);
  const collector = await startCollector(config, { logger });
  for (const endpoint of collector.endpoints) {
    process.stdout.write(`hermes: ${endpoint.name.padEnd(10)} ${endpoint.url}\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`hermes: ${signal}, flushing and stopping\n`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await collector.shutdown();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`hermes: ${(err as Error).message}\n`);
      process.exit(2);
    }
    // A HermesError is a known failure (a port in use): its message says it all. Anything else is a bug.
    const text = isHermesError(err) ? err.message : ((err as Error).stack ?? String(err));
    process.stderr.write(`hermes: failed to start: ${text}\n`);
    process.exit(1);
  },
);
