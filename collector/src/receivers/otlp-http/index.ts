/** Public surface of the OTLP/HTTP receiver. */
export { otlpHttpReceiverConfigSchema, type OtlpHttpReceiverConfig } from './config';
export { createOtlpIngestHandler, parseContentType, type DecodeOtlp, type OtlpIngestHandlerOptions } from './handler';
export { OtlpHttpReceiver, otlpHttpReceiverFactory, type OtlpHttpReceiverOptions } from './receiver';
