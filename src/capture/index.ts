/** Public capture API: SDK listeners, sinks, the log writer and the importer. */
export { withUnderstudy, type WithUnderstudyOptions } from './with-understudy.ts';
export { understudyMiddleware, type UnderstudyMiddlewareOptions } from './ai-sdk-middleware.ts';
export { createIngestSink, type IngestSink, type IngestSinkOptions, type IngestSinkStats } from './ingest-sink.ts';
export { createLogWriter, type LogWriterOptions } from './log-writer.ts';
export type { CallSink, LogWriter, LogWriterStats } from './call-sink.ts';
export { importJsonl } from './import-jsonl.ts';
export { buildCallRecord, completeCallRecord, type CallExchange } from './build-call-record.ts';
export { resolveCallTags } from './resolve-call-tags.ts';
