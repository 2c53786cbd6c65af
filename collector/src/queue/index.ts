/** The write queue between the pipeline and storage, and its write-ahead log implementation. */
export type { Published, QueueEntry, WriteQueue } from './queue';
export { queueConfigSchema, type QueueConfig } from './config';
export { WriteAheadLog, segmentFiles, type RecoveryReport, type WalOptions } from './wal/wal';
