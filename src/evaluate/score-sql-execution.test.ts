import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createSqliteExecutor } from './create-sqlite-executor.ts';
import { scoreSqlExecution } from './score-sql-execution.ts';

function openShop() {
  const database = new Database(':memory:');
  database.exec(`
    CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city TEXT);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL);
    INSERT INTO customers VALUES (1, 'Ann', 'Oslo'), (2, 'Bo', 'Bergen'), (3, 'Cy', 'Oslo');
    INSERT INTO orders VALUES (1, 1, 10.5), (2, 1, 4.5), (3, 2, 7.0), (4, 3, 7.0);
  `);
  return database;
}

const text = (content: string) => ({ content, toolCalls: [] });

test('different SQL with the same rows is correct; row order is ignored without ORDER BY', async () => {
  const sqlExecutor = createSqliteExecutor(openShop());
  const score = await scoreSqlExecution(
    text("SELECT name FROM customers WHERE city = 'Oslo'"),
    text("Here you go:\n```sql\nSELECT c.name AS who FROM customers c WHERE c.city IN ('Oslo') ORDER BY c.name DESC;\n```"),
    { sqlExecutor },
  );
  assert.deepEqual({ correct: score.correct, score: score.score, valid: score.valid, metric: score.metric }, { correct: true, score: 1, valid: true, metric: 'sql_execution' });
});

test('with ORDER BY in the reference, order is compared', async () => {
  const sqlExecutor = createSqliteExecutor(openShop());
  const reference = text('SELECT name FROM customers ORDER BY name');
  const sameOrder = await scoreSqlExecution(reference, text('SELECT name FROM customers ORDER BY id'), { sqlExecutor });
  assert.equal(sameOrder.correct, true);
  const reversed = await scoreSqlExecution(reference, text('SELECT name FROM customers ORDER BY name DESC'), { sqlExecutor });
  assert.equal(reversed.correct, false);
  assert.match(reversed.reason ?? '', /compared in order: the reference has ORDER BY/);
  assert.equal(reversed.score, 1 / 3); // only the middle row is in place
});

test('rows are multisets: duplicates count', async () => {
  const sqlExecutor = createSqliteExecutor(openShop());
  const score = await scoreSqlExecution(text('SELECT total FROM orders WHERE total = 7'), text('SELECT DISTINCT total FROM orders WHERE total = 7'), { sqlExecutor });
  assert.equal(score.correct, false);
  assert.equal(score.score, 0.5);
  assert.match(score.reason ?? '', /expected 2 row\(s\), got 1, 1 in common/);
});

test('numbers compare by value: integer and real forms, float rounding noise', async () => {
  const sqlExecutor = createSqliteExecutor(openShop());
  assert.equal((await scoreSqlExecution(text('SELECT 15'), text('SELECT 15.0'), { sqlExecutor })).correct, true);
  assert.equal((await scoreSqlExecution(text('SELECT 0.3'), text('SELECT 0.1 + 0.2'), { sqlExecutor })).correct, true);
  assert.equal((await scoreSqlExecution(text('SELECT 0.3'), text('SELECT 0.31'), { sqlExecutor })).correct, false);
});

test('columns compare positionally', async () => {
  const sqlExecutor = createSqliteExecutor(openShop());
  const score = await scoreSqlExecution(text('SELECT id, name FROM customers'), text('SELECT name, id FROM customers'), { sqlExecutor });
  assert.equal(score.correct, false);
});

test('a candidate the database rejects is incorrect and invalid, with the error', async () => {
  const sqlExecutor = createSqliteExecutor(openShop());
  const score = await scoreSqlExecution(text('SELECT name FROM customers'), text('SELECT nme FROM customers'), { sqlExecutor });
  assert.deepEqual({ correct: score.correct, valid: score.valid }, { correct: false, valid: false });
  assert.match(score.reason ?? '', /candidate SQL failed: no such column: nme/);
});

test('a candidate that writes is refused and the database is untouched', async () => {
  const database = openShop();
  const sqlExecutor = createSqliteExecutor(database);
  const score = await scoreSqlExecution(text('SELECT count(*) FROM customers'), text('DELETE FROM customers'), { sqlExecutor });
  assert.equal(score.correct, false);
  assert.match(score.reason ?? '', /candidate SQL failed: not a query/);
  const returning = await scoreSqlExecution(text('SELECT count(*) FROM customers'), text('DELETE FROM customers RETURNING id'), { sqlExecutor });
  assert.match(returning.reason ?? '', /would modify the database/);
  assert.deepEqual(await sqlExecutor('SELECT count(*) FROM customers'), [[3]]);
});

test('an executor that throws is treated like one that returns an error', async () => {
  const score = await scoreSqlExecution(text('SELECT 1'), text('SELECT 1'), {
    sqlExecutor: async () => {
      throw new Error('connection lost');
    },
  });
  assert.equal(score.correct, false);
  assert.match(score.reason ?? '', /connection lost/);
});

test('a failing reference is reported as such', async () => {
  const sqlExecutor = createSqliteExecutor(openShop());
  const score = await scoreSqlExecution(text('SELECT * FROM nowhere'), text('SELECT 1'), { sqlExecutor });
  assert.equal(score.correct, false);
  assert.equal(score.valid, true);
  assert.match(score.reason ?? '', /reference SQL failed: no such table: nowhere/);
});

test('without an executor: normalised text match, said in the reason, reported as exact', async () => {
  const same = await scoreSqlExecution(text('SELECT name\nFROM customers;'), text('```sql\nSELECT  name FROM customers\n```'));
  assert.deepEqual({ correct: same.correct, metric: same.metric }, { correct: true, metric: 'exact' });
  assert.match(same.reason ?? '', /no sqlExecutor: compared the SQL text/);
  const different = await scoreSqlExecution(text('SELECT name FROM customers'), text('SELECT c.name FROM customers c'));
  assert.equal(different.correct, false);
});

test('an empty answer is neither correct nor valid', async () => {
  const score = await scoreSqlExecution(text('SELECT 1'), text('  '), { sqlExecutor: createSqliteExecutor(openShop()) });
  assert.deepEqual({ correct: score.correct, valid: score.valid }, { correct: false, valid: false });
});
