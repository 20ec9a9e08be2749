/**
 * The SQL scorer for query-writer calls: execution match on the database the ground truth names, rebuilt
 * from its id (`<schema>:<split>:<seed>`) and cached, since episodes draw from a few dozen databases.
 */
import { cachedQueryDatabase } from '../query-writer/open-query-database.ts';
import { sqlResultsMatch } from '../query-writer/sql-results-match.ts';
import type { SqlMatcher } from './score-answer.ts';

export const querySqlMatcher: SqlMatcher = (databaseId, candidateSql, goldSql) => sqlResultsMatch(cachedQueryDatabase(databaseId), candidateSql, goldSql);
