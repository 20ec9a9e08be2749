export { detectPii, type DetectPiiOptions } from './detect-pii.ts';
export type { PiiFinding } from './pii-finding.ts';
export { piiKinds, secretKinds, type PiiKind } from './pii-kind.ts';
// Dataset export: filters, dedup, splits, versioned datasets (src/curate/dataset/).
export { buildDataset, type BuildDatasetOptions, type BuiltDataset } from './dataset/build-dataset.ts';
export { datasetManifestSchema, datasetFileNames, type DatasetManifest, type DatasetFileName } from './dataset/dataset-manifest.ts';
export { dedupExamples, normaliseOutput, type DedupResult, type SlottedExample } from './dataset/dedup-examples.ts';
export { createSlotModel, extractVariableSlots, type SlotModel, type SlotModelOptions, type VariableSlots } from './dataset/extract-variable-slots.ts';
export { filterCalls, filterReasons, judgeCall, type CallVerdict, type FilterCallsOptions, type FilterCallsResult, type FilterReason } from './dataset/filter-calls.ts';
export { readDataset, type LoadedDataset } from './dataset/read-dataset.ts';
export { defaultSplitShares, splitExamples, splitGroupOf, type SplitOptions, type SplitResult, type SplitShares } from './dataset/split-examples.ts';
export { readTrainingExample, toFineTuneLine, type FineTuneLine, type FineTuneMessage, type FineTuneToolCall, type TrainingExample } from './dataset/training-example.ts';
export type { KnownPseudonym, PseudonymMapping, RedactionMode, RedactionStats, Redactor } from './redactor.ts';
export { createRedactor, type RedactorOptions } from './redact/create-redactor.ts';
export { loadOrCreateSecretKey, secretKeyVariable } from './redact/load-or-create-secret-key.ts';
export { createPseudonymVault, type PseudonymVault, type RevealedPseudonym } from './redact/pseudonym-vault.ts';
export { createIngestRedaction, ingestRedactionModule, type IngestRedactionOptions } from './redact/create-ingest-redaction.ts';
export { measureRedactionThroughput, type RedactionThroughput } from './redact/measure-redaction-throughput.ts';
