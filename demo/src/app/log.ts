/**
 * The demo services' logger: each line is an OpenTelemetry log record (so Hermes stores it with
 * the active trace and span ids) and, at warn and above, also a console line for whoever runs
 * the demo. Without Hermes started the records go nowhere, as with any OpenTelemetry API call.
 */
import { logs, SeverityNumber, type Attributes } from '@opentelemetry/api';

export interface Log {
  info(message: string, attributes?: Attributes): void;
  warn(message: string, attributes?: Attributes): void;
  error(message: string, attributes?: Attributes): void;
}

const LEVELS = {
  info: { severityNumber: SeverityNumber.INFO, severityText: 'INFO' },
  warn: { severityNumber: SeverityNumber.WARN, severityText: 'WARN' },
  error: { severityNumber: SeverityNumber.ERROR, severityText: 'ERROR' },
} as const;

export function createLog(service: string, options: { consoleLevel?: 'warn' | 'none' } = {}): Log {
  const toConsole = (options.consoleLevel ?? 'warn') === 'warn';
  const emit = (level: keyof typeof LEVELS, message: string, attributes: Attributes = {}) => {
    // Looked up per call: the global LoggerProvider is set when Hermes starts, possibly after this module loads.
    logs.getLogger(service).emit({ ...LEVELS[level], body: message, attributes });
    if (toConsole && level !== 'info') console.error(`${service}: ${level}: ${message}`);
  };
  return {
    info: (message, attributes) => emit('info', message, attributes),
    warn: (message, attributes) => emit('warn', message, attributes),
    error: (message, attributes) => emit('error', message, attributes),
  };
}
