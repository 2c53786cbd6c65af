/** The InfluxDB exporter: public API of this component. */
export { influxdbExporterFactory, InfluxdbExporter, type ExporterHealth } from './exporter';
export { influxdbExporterConfigSchema, type InfluxdbExporterConfig } from './config';
