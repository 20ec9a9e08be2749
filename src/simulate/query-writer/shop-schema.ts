/**
 * An online shop: customers, products, orders, order lines and reviews. Customer names and emails are
 * personal data, so prompts that show sample rows or name a customer carry PII.
 */
import type { QuerySchema, QueryTable } from './query-schema.ts';
import {
  insertRows,
  isoDate,
  pickDateRange,
  pickThreshold,
  pickValue,
  randomDayNumber,
  sqlString,
  type SqlCell,
} from './internal/table-filling.ts';

const customers: QueryTable = {
  name: 'customers',
  description: 'people who signed up to the shop, with their contact details and home city',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'full_name', definition: 'TEXT NOT NULL', pii: 'person_name' },
    { name: 'email', definition: 'TEXT NOT NULL', pii: 'email' },
    { name: 'city', definition: 'TEXT NOT NULL' },
    { name: 'country', definition: 'TEXT NOT NULL' },
    { name: 'signup_date', definition: 'TEXT NOT NULL' },
  ],
};

const products: QueryTable = {
  name: 'products',
  description: 'the catalogue: product name, category and list price',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'name', definition: 'TEXT NOT NULL' },
    { name: 'category', definition: 'TEXT NOT NULL' },
    { name: 'price_cents', definition: 'INTEGER NOT NULL' },
  ],
};

const orders: QueryTable = {
  name: 'orders',
  description: 'one row per checkout, with its date and fulfilment status',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'customer_id', definition: 'INTEGER NOT NULL', references: 'customers(id)' },
    { name: 'order_date', definition: 'TEXT NOT NULL' },
    { name: 'status', definition: 'TEXT NOT NULL' },
  ],
};

const orderItems: QueryTable = {
  name: 'order_items',
  description: 'order lines: which product, how many, at what unit price',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'order_id', definition: 'INTEGER NOT NULL', references: 'orders(id)' },
    { name: 'product_id', definition: 'INTEGER NOT NULL', references: 'products(id)' },
    { name: 'quantity', definition: 'INTEGER NOT NULL' },
    { name: 'unit_price_cents', definition: 'INTEGER NOT NULL' },
  ],
};

const reviews: QueryTable = {
  name: 'reviews',
  description: 'star ratings customers left on products',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'product_id', definition: 'INTEGER NOT NULL', references: 'products(id)' },
    { name: 'customer_id', definition: 'INTEGER NOT NULL', references: 'customers(id)' },
    { name: 'rating', definition: 'INTEGER NOT NULL' },
    { name: 'created_at', definition: 'TEXT NOT NULL' },
  ],
};

export const shopSchema: QuerySchema = {
  id: 'shop',
  domain: 'an online shop',
  heldOut: false,
  tables: [customers, products, orders, orderItems, reviews],
  populate(database, random, values) {
    const cities = random.sample(values.cities, random.int(4, 7));
    const customerRows: SqlCell[][] = [];
    const customerCount = random.int(30, 55);
    for (let id = 1; id <= customerCount; id += 1) {
      const name = values.personName(random);
      const place = random.pick(cities);
      customerRows.push([id, name, values.emailAddress(random, name), place.city, place.country, isoDate(randomDayNumber(random, 0, 700))]);
    }
    insertRows(database, customers, customerRows);
    insertRows(database, products, values.products.map((product, index) => [index + 1, product.name, product.category, product.priceCents]));
    const orderRows: SqlCell[][] = [];
    const itemRows: SqlCell[][] = [];
    const orderCount = random.int(90, 160);
    for (let id = 1; id <= orderCount; id += 1) {
      orderRows.push([id, random.int(1, customerCount), isoDate(randomDayNumber(random, 300, 1460)), random.weighted([
        ['delivered', 6], ['shipped', 2], ['cancelled', 1], ['returned', 1],
      ] as const)]);
      for (let line = random.int(1, 4); line > 0; line -= 1) {
        const productIndex = random.int(0, values.products.length - 1);
        const product = values.products[productIndex]!;
        itemRows.push([itemRows.length + 1, id, productIndex + 1, random.weighted([[1, 6], [2, 3], [3, 1]] as const), product.priceCents]);
      }
    }
    insertRows(database, orders, orderRows);
    insertRows(database, orderItems, itemRows);
    const reviewRows: SqlCell[][] = [];
    for (let id = 1; id <= random.int(25, 60); id += 1) {
      reviewRows.push([id, random.int(1, values.products.length), random.int(1, customerCount), random.int(1, 5), isoDate(randomDayNumber(random, 400, 1460))]);
    }
    insertRows(database, reviews, reviewRows);
  },
  questions: [
    {
      id: 'shop/customers-in-city',
      pattern: 'filter',
      tables: ['customers'],
      phrasings: [
        'List the names and emails of customers based in {city}.',
        'Which customers live in {city}? Give their name and email.',
        'Show me every customer from {city} with their email address.',
        'I need the full names and email addresses of our customers in {city}.',
        'Find the customers whose city is {city} and return name plus email.',
      ],
      drawParameters: (database, random) => {
        const city = pickValue(database, 'SELECT DISTINCT city FROM customers', random);
        return city === undefined ? undefined : { city };
      },
      goldSql: ({ city = '' }) => `SELECT customers.full_name, customers.email FROM customers WHERE customers.city = ${sqlString(city)}`,
    },
    {
      id: 'shop/products-bought-by-customer',
      pattern: 'join',
      tables: ['customers', 'orders', 'order_items', 'products'],
      phrasings: [
        'Which products has {customer} ever ordered?',
        'List the distinct product names bought by {customer}.',
        'What did the customer {customer} buy from us? Product names only.',
        'Give me the names of all products that appear in orders placed by {customer}.',
        'Show each product {customer} has purchased, without duplicates.',
      ],
      piiParameters: { customer: 'person_name' },
      drawParameters: (database, random) => {
        const customer = pickValue(database, 'SELECT DISTINCT customers.full_name FROM customers JOIN orders ON orders.customer_id = customers.id', random);
        return customer === undefined ? undefined : { customer };
      },
      goldSql: ({ customer = '' }) =>
        'SELECT DISTINCT products.name FROM products JOIN order_items ON order_items.product_id = products.id ' +
        'JOIN orders ON orders.id = order_items.order_id JOIN customers ON customers.id = orders.customer_id ' +
        `WHERE customers.full_name = ${sqlString(customer)}`,
    },
    {
      id: 'shop/revenue-by-category',
      pattern: 'aggregate',
      tables: ['order_items', 'products', 'orders'],
      phrasings: [
        'What is the total revenue per product category for orders with status {status}?',
        'Break down revenue by category, counting only {status} orders.',
        'For orders that are {status}, sum quantity times unit price for each category.',
        'How much money did each category bring in across {status} orders?',
        'Revenue in cents by product category, restricted to orders whose status is {status}.',
      ],
      drawParameters: (database, random) => {
        const status = pickValue(database, 'SELECT DISTINCT status FROM orders', random);
        return status === undefined ? undefined : { status };
      },
      goldSql: ({ status = '' }) =>
        'SELECT products.category, SUM(order_items.quantity * order_items.unit_price_cents) AS revenue_cents FROM order_items ' +
        'JOIN products ON products.id = order_items.product_id JOIN orders ON orders.id = order_items.order_id ' +
        `WHERE orders.status = ${sqlString(status)} GROUP BY products.category`,
    },
    {
      id: 'shop/top-products-by-units',
      pattern: 'order-limit',
      tables: ['products', 'order_items'],
      phrasings: [
        'What are the top {n} products by units sold?',
        'Name the {n} best-selling products by quantity, highest first.',
        'Give me the {n} products with the most units ordered.',
        'Rank products by total quantity sold and show the first {n}.',
        'Which {n} products sold the most units overall?',
      ],
      drawParameters: (_database, random) => ({ n: String(random.int(3, 6)) }),
      goldSql: ({ n = '3' }) =>
        'SELECT products.name, SUM(order_items.quantity) AS units_sold FROM products ' +
        'JOIN order_items ON order_items.product_id = products.id GROUP BY products.id ' +
        `ORDER BY units_sold DESC, products.name LIMIT ${n}`,
    },
    {
      id: 'shop/customers-with-many-orders',
      pattern: 'having',
      tables: ['customers', 'orders'],
      phrasings: [
        'Which customers have placed more than {threshold} orders?',
        'List customers with over {threshold} orders and how many each placed.',
        'Find everyone who ordered more than {threshold} times, with their order count.',
        'Show the customers whose number of orders exceeds {threshold}.',
        'Who are our repeat buyers with more than {threshold} orders on record?',
      ],
      drawParameters: (database, random) => {
        const threshold = pickThreshold(database, 'SELECT COUNT(*) FROM orders GROUP BY customer_id', random);
        return threshold === undefined ? undefined : { threshold };
      },
      goldSql: ({ threshold = '1' }) =>
        'SELECT customers.full_name, COUNT(orders.id) AS order_count FROM customers ' +
        `JOIN orders ON orders.customer_id = customers.id GROUP BY customers.id HAVING COUNT(orders.id) > ${threshold}`,
    },
    {
      id: 'shop/distinct-buyers-in-category',
      pattern: 'count-distinct',
      tables: ['orders', 'order_items', 'products'],
      phrasings: [
        'How many different customers bought something in the {category} category?',
        'Count the distinct customers who ordered {category} products.',
        'Number of unique buyers of {category} items?',
        'How many separate customers have at least one {category} product in an order?',
        'Tell me how many distinct shoppers purchased from {category}.',
      ],
      drawParameters: (database, random) => {
        const category = pickValue(
          database,
          'SELECT DISTINCT products.category FROM products JOIN order_items ON order_items.product_id = products.id',
          random,
        );
        return category === undefined ? undefined : { category };
      },
      goldSql: ({ category = '' }) =>
        'SELECT COUNT(DISTINCT orders.customer_id) AS buyers FROM orders JOIN order_items ON order_items.order_id = orders.id ' +
        `JOIN products ON products.id = order_items.product_id WHERE products.category = ${sqlString(category)}`,
    },
    {
      id: 'shop/orders-between-dates',
      pattern: 'date-range',
      tables: ['orders'],
      phrasings: [
        'List the orders placed between {start} and {end}, oldest first.',
        'Show order id, date and status for orders from {start} to {end} in date order.',
        'Which orders were made from {start} through {end}? Sort them by date.',
        'Pull every order dated between {start} and {end} inclusive, ordered by order date.',
        'I want the orders with an order date in the range {start} to {end}, earliest first.',
      ],
      drawParameters: (database, random) => pickDateRange(database, 'SELECT order_date FROM orders', random),
      goldSql: ({ start = '', end = '' }) =>
        'SELECT orders.id, orders.order_date, orders.status FROM orders ' +
        `WHERE orders.order_date BETWEEN ${sqlString(start)} AND ${sqlString(end)} ORDER BY orders.order_date, orders.id`,
    },
  ],
};
