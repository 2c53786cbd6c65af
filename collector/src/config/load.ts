/**
 * Loads the config once at start-up: YAML file (optional), then environment variables,
 * then validation. Any problem is a ConfigError naming the key and what was expected.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError, applyEnv, envBindings } from './env';
import { DEFAULT_BIND_HOST } from './bind-host';
import { configSchema, type HermesConfig } from './schema';

export interface LoadConfigOptions {
  configPath?: string;
  env?: NodeJS.ProcessEnv;
}

function readYaml(configPath: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (err) {
    throw new ConfigError(`--config ${configPath}: cannot read the file (${(err as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`--config ${configPath}: not valid YAML (${(err as Error).message})`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`--config ${configPath}: expected a mapping of settings at the top level`);
  }
  return parsed as Record<string, unknown>;
}

/** Listeners inherit the top-level host unless their own section names one. */
function inheritHost(raw: Record<string, unknown>): void {
  const host = raw.host ?? DEFAULT_BIND_HOST;
  const sections: Record<string, unknown>[] = [];
  const receivers = (raw.receivers ??= {}) as Record<string, unknown>;
  for (const name of ['otlp_http', 'otlp_grpc']) sections.push((receivers[name] ??= {}) as Record<string, unknown>);
  sections.push((raw.api ??= {}) as Record<string, unknown>);
  for (const section of sections) {
    if (section && typeof section === 'object' && section.host === undefined) section.host = host;
  }
}

/** Keys that moved from `exporters.influxdb` to `storage.influxdb` when storage became its own module. */
const MOVED_TO_STORAGE = new Set(['url', 'database', 'username', 'password', 'token', 'createDatabase', 'retentionPolicy', 'retentionDuration', 'requestTimeoutMs', 'tagAttributes']);

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  const key = path.length > 0 ? path.join('.') : '(top level)';
  const binding = envBindings.find((b) => b.path.join('.') === path.join('.'));
  const source = binding ? ` (or ${binding.name})` : '';
  let hint = '';
  if (issue.code === 'unrecognized_keys' && key === 'exporters.influxdb') {
    const moved = issue.keys.filter((k) => MOVED_TO_STORAGE.has(k));
    if (moved.length > 0) hint = `; ${moved.join(', ')} now belong under storage.influxdb`;
  }
  return `${key}${source}: ${issue.message}${hint}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export function loadConfig(options: LoadConfigOptions = {}): HermesConfig {
  const raw = options.configPath ? readYaml(options.configPath) : {};
  applyEnv(raw, options.env ?? process.env);
  inheritHost(raw);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map(describeIssue);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return deepFreeze(result.data);
}
