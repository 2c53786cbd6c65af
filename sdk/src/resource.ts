/**
 * The SDK's Resource: who is sending (service, version, environment) and where it runs (host,
 * os, process, container). Precedence, lowest first: SDK defaults, the app's package.json,
 * detectors, then options and environment (already merged by `resolveConfig`).
 */
import type { Attributes } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  type Resource,
  type ResourceDetector,
} from '@opentelemetry/resources';
import { containerDetector } from '@opentelemetry/resource-detector-container';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const DEFAULT_DETECTORS: readonly ResourceDetector[] = [
  hostDetector,
  osDetector,
  processDetector,
  containerDetector,
  serviceInstanceIdDetector,
];

export interface AppPackage {
  name?: string;
  version?: string;
  /** `"module"` when .js files of the app are ES modules. */
  type?: string;
  path: string;
}

/**
 * The nearest package.json at or above `startDir` that is not a dependency's (inside
 * node_modules), or undefined. Read errors and invalid JSON count as "no package here".
 */
export function findAppPackage(startDir: string): AppPackage | undefined {
  let dir = resolve(startDir);
  for (;;) {
    if (!dir.split(/[\\/]/).includes('node_modules')) {
      const path = join(dir, 'package.json');
      try {
        const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
        return {
          name: typeof json.name === 'string' ? json.name : undefined,
          version: typeof json.version === 'string' ? json.version : undefined,
          type: typeof json.type === 'string' ? json.type : undefined,
          path,
        };
      } catch {
        // no (readable) package.json here: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Where the app's package.json is looked for: the entry script's folder, else the working directory. */
export function appDirectory(): string {
  const entry = require.main?.filename ?? process.argv[1];
  return entry ? dirname(resolve(entry)) : process.cwd();
}

export function buildResource(
  configured: Attributes,
  appPackage: AppPackage | undefined,
  detectors: readonly ResourceDetector[],
): Resource {
  const fromPackage: Attributes = {};
  if (appPackage?.name) fromPackage['service.name'] = appPackage.name;
  if (appPackage?.version) fromPackage['service.version'] = appPackage.version;
  return defaultResource()
    .merge(resourceFromAttributes(fromPackage))
    .merge(detectResources({ detectors: [...detectors] }))
    .merge(resourceFromAttributes(configured));
}
