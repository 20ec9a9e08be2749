/** Model selection: the published model catalog, constraints over it, and the computed memory estimate. */
export {
  catalogEntrySchema,
  catalogQuantisations,
  defaultModelCatalogFile,
  loadModelCatalog,
  modelCatalogSchema,
  parseModelCatalog,
  type CatalogEntry,
  type CatalogLicence,
  type CatalogQuantisation,
  type ModelCatalog,
} from './model-catalog.ts';
export { filterCatalog, type CatalogCandidate, type CatalogConstraints, type CatalogFilterResult } from './filter-catalog.ts';
export { estimateMemory, memoryEstimateContextTokens, type MemoryEstimate } from './memory-estimate.ts';
export { formatBytes, formatParameterCount, formatTokenCount, parseByteSize, parseTokenCount, type ParsedQuantity } from './catalog-units.ts';
