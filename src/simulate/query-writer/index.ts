/**
 * The query-writer simulated agent: SQLite schemas and seeded databases, questions with gold SQL, the five
 * task skills, the agent, and the execution-match scorer.
 */
export { queryWriterAgent } from './query-writer-agent.ts';
export { extractTablesSkill, buildExtractTablesCall, formatTableList, parseTableList } from './extract-tables-skill.ts';
export { rerankTablesSkill, buildRerankTablesCall, rankCandidates, parseRanking } from './rerank-tables-skill.ts';
export { writeSqlSkill, buildWriteSqlCall } from './write-sql-skill.ts';
export { fixSqlSkill, buildFixSqlCall, type SqlFailure, type FixSqlOptions } from './fix-sql-skill.ts';
export { researchSkill, buildResearchCall } from './research-skill.ts';
export { buildQueryDatabase, type BuildQueryDatabaseOptions } from './build-query-database.ts';
export {
  openQueryDatabase,
  cachedQueryDatabase,
  formatQueryDatabaseId,
  parseQueryDatabaseId,
  type QueryDatabaseId,
} from './open-query-database.ts';
export { sqlResultsMatch, matchSqlOnQueryDatabase, type SqlMatchResult } from './sql-results-match.ts';
export { extractSql } from './extract-sql.ts';
export { querySchemas, querySchemaById, schemasForSplit } from './query-schemas.ts';
export { generateQuestion, type GeneratedQuestion } from './generate-question.ts';
export { parseQuestion } from './parse-question.ts';
export { queryValues } from './query-values.ts';
export type { QuerySchema, QuerySchemaId, QuestionTemplate, QueryPattern } from './query-schema.ts';
export { renderSchemaDdl, renderCompactSchema } from './render-schema-ddl.ts';
