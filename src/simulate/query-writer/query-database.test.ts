import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom } from '../random.ts';
import { buildQueryDatabase } from './build-query-database.ts';
import { generateQuestion } from './generate-question.ts';
import { executeQuery } from './internal/execute-query.ts';
import { formatQueryDatabaseId, openQueryDatabase, parseQueryDatabaseId } from './open-query-database.ts';
import { countQuestionMatches, parseQuestion } from './parse-question.ts';
import { querySchemas, schemasForSplit } from './query-schemas.ts';
import { queryValues } from './query-values.ts';
import { renderSchemaDdl } from './render-schema-ddl.ts';
import { matchSqlOnQueryDatabase, sqlResultsMatch } from './sql-results-match.ts';

function dump(database: ReturnType<typeof buildQueryDatabase>): string {
  const tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  return JSON.stringify(tables.map((table) => database.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw().all()));
}

test('schemas: at least four, 3–6 tables each, foreign keys, one held out of training', () => {
  assert.ok(querySchemas.length >= 4);
  for (const schema of querySchemas) {
    assert.ok(schema.tables.length >= 3 && schema.tables.length <= 6, schema.id);
    assert.match(renderSchemaDdl(schema), /FOREIGN KEY/);
    const patterns = new Set(schema.questions.map((question) => question.pattern));
    assert.deepEqual([...patterns].sort(), ['aggregate', 'count-distinct', 'date-range', 'filter', 'having', 'join', 'order-limit']);
    for (const question of schema.questions) assert.ok(question.phrasings.length >= 5, question.id);
  }
  assert.deepEqual(querySchemas.filter((schema) => schema.heldOut).map((schema) => schema.id), ['clinic']);
  assert.ok(schemasForSplit('train').every((schema) => !schema.heldOut));
});

test('the same seed builds the same database, and an id rebuilds it', () => {
  for (const schema of querySchemas) {
    const first = buildQueryDatabase(schema.id, createRandom('query-database/s7'), 'eval');
    const second = openQueryDatabase(formatQueryDatabaseId({ schemaId: schema.id, split: 'eval', seed: 's7' }));
    assert.equal(dump(first), dump(second));
    const other = buildQueryDatabase(schema.id, createRandom('query-database/s8'), 'eval');
    assert.notEqual(dump(first), dump(other));
    for (const database of [first, second, other]) database.close();
  }
  assert.deepEqual(parseQueryDatabaseId('shop:train:s3'), { schemaId: 'shop', split: 'train', seed: 's3' });
  assert.equal(parseQueryDatabaseId('nope:train:s3'), undefined);
});

test('train and eval pools are disjoint, and eval databases hold only eval values', () => {
  const train = new Set(queryValues('train').poolValues());
  const evaluation = queryValues('eval').poolValues();
  assert.ok(evaluation.every((value) => !train.has(value)));
  for (const schema of querySchemas) {
    const text = dump(buildQueryDatabase(schema.id, createRandom(`pools/${schema.id}`), 'eval'));
    for (const value of train) {
      // Whole words only: an eval city such as "Chennai" may contain a train surname such as "Chen".
      const escaped = JSON.stringify(value).slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.ok(!new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(text), `${schema.id} holds train value ${value}`);
    }
  }
});

test('every gold query runs and returns rows; every question parses back to its template', () => {
  let draws = 0;
  for (const split of ['train', 'eval'] as const) {
    for (const schema of querySchemas) {
      for (let seed = 0; seed < 12; seed += 1) {
        const database = buildQueryDatabase(schema.id, createRandom(`gold/${seed}`), split);
        for (let index = 0; index < 40; index += 1) {
          const question = generateQuestion(schema, database, createRandom(`gold/${seed}/${index}`));
          const execution = executeQuery(database, question.goldSql);
          assert.ok(execution.ok, `${question.goldSql}: ${execution.ok ? '' : execution.error}`);
          assert.ok(execution.rows.length > 0, `no rows: ${question.goldSql}`);
          assert.equal(countQuestionMatches(schema, question.text), 1, question.text);
          const parsed = parseQuestion(schema, question.text);
          assert.equal(parsed?.template.id, question.template.id);
          assert.equal(parsed?.template.goldSql(parsed.parameters), question.goldSql);
          draws += 1;
        }
        database.close();
      }
    }
  }
  assert.ok(draws >= 3000);
});

test('sqlResultsMatch: order-insensitive unless the gold orders, aliases ignored, errors reported', () => {
  const database = buildQueryDatabase('shop', createRandom('match'), 'train');
  const gold = "SELECT customers.full_name FROM customers WHERE customers.city = (SELECT city FROM customers WHERE id = 1)";
  assert.deepEqual(sqlResultsMatch(database, `${gold} ORDER BY full_name DESC`, gold), { match: true });
  assert.equal(sqlResultsMatch(database, 'SELECT full_name AS who FROM customers WHERE city = (SELECT city FROM customers WHERE id = 1);', gold).match, true);
  assert.equal(sqlResultsMatch(database, '```sql\nSELECT full_name FROM customers WHERE id = 1;\n```', 'SELECT full_name FROM customers WHERE id = 1').match, true);
  const ordered = 'SELECT id FROM orders ORDER BY id';
  assert.equal(sqlResultsMatch(database, 'SELECT id FROM orders ORDER BY id DESC', ordered).match, false);
  const failed = sqlResultsMatch(database, 'SELECT nme FROM customers', gold);
  assert.equal(failed.match, false);
  assert.match(failed.reason ?? '', /no such column: nme/);
  assert.equal(sqlResultsMatch(database, 'DELETE FROM customers', gold).match, false);
  assert.throws(() => sqlResultsMatch(database, gold, 'SELECT broken FROM nowhere'));
  database.close();
  assert.equal(matchSqlOnQueryDatabase('hr:eval:s2', 'SELECT name FROM departments;', 'SELECT departments.name FROM departments'), true);
  assert.equal(matchSqlOnQueryDatabase('hr:eval:s2', 'SELECT name FROM departments LIMIT 1', 'SELECT departments.name FROM departments'), false);
});
