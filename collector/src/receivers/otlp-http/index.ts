/** Public surface of the OTLP/HTTP receiver. */
export { otlpHttpReceiverConfigSchema, type OtlpHttpReceiverConfig } from './config';
export { createOtlpHttpHandler, parseContentType, type OtlpHttpHandlerOptions } from './handler';
export { OtlpHttpReceiver, otlpHttpReceiverFactory, type OtlpHttpReceiverOptions } from './receiver';
