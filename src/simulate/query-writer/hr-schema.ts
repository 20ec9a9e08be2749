/**
 * HR and payroll: departments, employees, salary history and leave requests. Employee names and emails
 * are personal data.
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

const departments: QueryTable = {
  name: 'departments',
  description: 'organisational units and the office city they sit in',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'name', definition: 'TEXT NOT NULL' },
    { name: 'city', definition: 'TEXT NOT NULL' },
  ],
};

const employees: QueryTable = {
  name: 'employees',
  description: 'staff records: name, work email, department, job title and hire date',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'full_name', definition: 'TEXT NOT NULL', pii: 'person_name' },
    { name: 'email', definition: 'TEXT NOT NULL', pii: 'email' },
    { name: 'department_id', definition: 'INTEGER NOT NULL', references: 'departments(id)' },
    { name: 'job_title', definition: 'TEXT NOT NULL' },
    { name: 'hire_date', definition: 'TEXT NOT NULL' },
  ],
};

const salaries: QueryTable = {
  name: 'salaries',
  description: 'salary history: yearly amount per employee from an effective date',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'employee_id', definition: 'INTEGER NOT NULL', references: 'employees(id)' },
    { name: 'amount_cents', definition: 'INTEGER NOT NULL' },
    { name: 'effective_date', definition: 'TEXT NOT NULL' },
  ],
};

const leaveRequests: QueryTable = {
  name: 'leave_requests',
  description: 'time-off requests with type, first day, length in days and approval status',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'employee_id', definition: 'INTEGER NOT NULL', references: 'employees(id)' },
    { name: 'leave_type', definition: 'TEXT NOT NULL' },
    { name: 'start_date', definition: 'TEXT NOT NULL' },
    { name: 'days', definition: 'INTEGER NOT NULL' },
    { name: 'status', definition: 'TEXT NOT NULL' },
  ],
};

const departmentNames = ['Engineering', 'Finance', 'Marketing', 'Sales', 'Customer Support', 'Legal', 'Operations'];
const jobTitles = ['Analyst', 'Engineer', 'Senior Engineer', 'Manager', 'Coordinator', 'Specialist', 'Director'];

export const hrSchema: QuerySchema = {
  id: 'hr',
  domain: 'a company HR and payroll system',
  heldOut: false,
  tables: [departments, employees, salaries, leaveRequests],
  populate(database, random, values) {
    const chosenDepartments = random.sample(departmentNames, random.int(4, departmentNames.length));
    const cities = random.sample(values.cities, 3);
    insertRows(database, departments, chosenDepartments.map((name, index) => [index + 1, name, random.pick(cities).city]));
    const employeeRows: SqlCell[][] = [];
    const salaryRows: SqlCell[][] = [];
    const employeeCount = random.int(25, 50);
    for (let id = 1; id <= employeeCount; id += 1) {
      const name = values.personName(random);
      const hireDay = randomDayNumber(random, 0, 1200);
      employeeRows.push([id, name, values.emailAddress(random, name), random.int(1, chosenDepartments.length), random.pick(jobTitles), isoDate(hireDay)]);
      let amount = random.int(38, 120) * 100_000;
      for (let day = hireDay; day <= 1460; day += random.int(300, 420)) {
        salaryRows.push([salaryRows.length + 1, id, amount, isoDate(day)]);
        amount += random.int(1, 8) * 100_000;
      }
    }
    insertRows(database, employees, employeeRows);
    insertRows(database, salaries, salaryRows);
    const leaveRows: SqlCell[][] = [];
    for (let id = 1; id <= random.int(40, 90); id += 1) {
      leaveRows.push([
        id,
        random.int(1, employeeCount),
        random.weighted([['vacation', 6], ['sick', 3], ['parental', 1], ['unpaid', 1]] as const),
        isoDate(randomDayNumber(random, 200, 1460)),
        random.int(1, 25),
        random.weighted([['approved', 7], ['pending', 2], ['rejected', 1]] as const),
      ]);
    }
    insertRows(database, leaveRequests, leaveRows);
  },
  questions: [
    {
      id: 'hr/employees-hired-in-year',
      pattern: 'filter',
      tables: ['employees'],
      phrasings: [
        'Who was hired in {year}? Show name and job title.',
        'List the employees whose hire date falls in {year}, with their titles.',
        'Which people joined the company during {year}?',
        'Give me name and job title of everyone we hired in the year {year}.',
        'Show all staff with a {year} start date and what role they hold.',
      ],
      drawParameters: (database, random) => {
        const year = pickValue(database, "SELECT DISTINCT strftime('%Y', hire_date) FROM employees", random);
        return year === undefined ? undefined : { year };
      },
      goldSql: ({ year = '' }) =>
        `SELECT employees.full_name, employees.job_title FROM employees WHERE strftime('%Y', employees.hire_date) = ${sqlString(year)}`,
    },
    {
      id: 'hr/salary-history-of-employee',
      pattern: 'join',
      tables: ['employees', 'salaries'],
      phrasings: [
        "What is {employee}'s salary history, oldest first?",
        'Show every salary amount and effective date recorded for {employee}, in date order.',
        'List the pay changes of {employee} chronologically.',
        'How has the salary of {employee} evolved over time? Order by effective date.',
        'Give me the salary records for the employee named {employee}, sorted by date.',
      ],
      piiParameters: { employee: 'person_name' },
      drawParameters: (database, random) => {
        const employee = pickValue(database, 'SELECT DISTINCT full_name FROM employees', random);
        return employee === undefined ? undefined : { employee };
      },
      goldSql: ({ employee = '' }) =>
        'SELECT salaries.effective_date, salaries.amount_cents FROM salaries JOIN employees ON employees.id = salaries.employee_id ' +
        `WHERE employees.full_name = ${sqlString(employee)} ORDER BY salaries.effective_date, salaries.id`,
    },
    {
      id: 'hr/average-salary-by-department',
      pattern: 'aggregate',
      tables: ['salaries', 'employees', 'departments'],
      phrasings: [
        'What is the average salary per department for salary records effective from {year} onwards?',
        'Average pay by department, only counting salary rows effective since the start of {year}.',
        'For each department, compute the mean salary amount over records dated {year} or later.',
        'Show department name and average salary, using salary entries from {year} onward.',
        'Per department, what was the typical (average) salary in records effective in or after {year}?',
      ],
      drawParameters: (database, random) => {
        const year = pickValue(database, "SELECT DISTINCT strftime('%Y', effective_date) FROM salaries", random);
        return year === undefined ? undefined : { year };
      },
      goldSql: ({ year = '' }) =>
        'SELECT departments.name, AVG(salaries.amount_cents) AS average_salary_cents FROM salaries ' +
        'JOIN employees ON employees.id = salaries.employee_id JOIN departments ON departments.id = employees.department_id ' +
        `WHERE salaries.effective_date >= ${sqlString(`${year}-01-01`)} GROUP BY departments.name`,
    },
    {
      id: 'hr/longest-leaves',
      pattern: 'order-limit',
      tables: ['leave_requests', 'employees'],
      phrasings: [
        'Which {n} leave requests were the longest? Show employee name and days.',
        'List the top {n} leave requests by number of days, with who asked.',
        'Give me the {n} longest absences requested and the employee for each.',
        'Rank leave requests by length and show the first {n} with employee names.',
        'Who filed the {n} longest time-off requests, and for how many days?',
      ],
      drawParameters: (_database, random) => ({ n: String(random.int(3, 8)) }),
      goldSql: ({ n = '3' }) =>
        'SELECT employees.full_name, leave_requests.days FROM leave_requests JOIN employees ON employees.id = leave_requests.employee_id ' +
        `ORDER BY leave_requests.days DESC, leave_requests.id LIMIT ${n}`,
    },
    {
      id: 'hr/departments-with-many-employees',
      pattern: 'having',
      tables: ['departments', 'employees'],
      phrasings: [
        'Which departments have more than {threshold} employees?',
        'List departments whose headcount exceeds {threshold}, with the headcount.',
        'Show every department with over {threshold} people in it.',
        'Find the departments employing more than {threshold} staff and how many each has.',
        'Departments with a headcount above {threshold}?',
      ],
      drawParameters: (database, random) => {
        const threshold = pickThreshold(database, 'SELECT COUNT(*) FROM employees GROUP BY department_id', random);
        return threshold === undefined ? undefined : { threshold };
      },
      goldSql: ({ threshold = '1' }) =>
        'SELECT departments.name, COUNT(employees.id) AS headcount FROM departments JOIN employees ON employees.department_id = departments.id ' +
        `GROUP BY departments.id HAVING COUNT(employees.id) > ${threshold}`,
    },
    {
      id: 'hr/employees-with-leave-type',
      pattern: 'count-distinct',
      tables: ['leave_requests'],
      phrasings: [
        'How many different employees have requested {leave_type} leave?',
        'Count the distinct employees with at least one {leave_type} leave request.',
        'Number of unique staff members who asked for {leave_type} leave?',
        'How many separate people filed a leave request of type {leave_type}?',
        'Tell me how many distinct employees took {leave_type} leave at some point.',
      ],
      drawParameters: (database, random) => {
        const leaveType = pickValue(database, 'SELECT DISTINCT leave_type FROM leave_requests', random);
        return leaveType === undefined ? undefined : { leave_type: leaveType };
      },
      goldSql: ({ leave_type: leaveType = '' }) =>
        `SELECT COUNT(DISTINCT leave_requests.employee_id) AS employees FROM leave_requests WHERE leave_requests.leave_type = ${sqlString(leaveType)}`,
    },
    {
      id: 'hr/leave-starting-between',
      pattern: 'date-range',
      tables: ['leave_requests', 'employees'],
      phrasings: [
        'Which leave requests start between {start} and {end}? Show employee, start date and days, by start date.',
        'List time off beginning from {start} to {end} with the employee name, earliest first.',
        'Show the leave requests whose first day is in {start} through {end}, sorted by start date.',
        'Who has leave starting between {start} and {end} inclusive? Order by start date.',
        'Pull leave requests with a start date from {start} until {end}, ordered chronologically, with names.',
      ],
      drawParameters: (database, random) => pickDateRange(database, 'SELECT start_date FROM leave_requests', random),
      goldSql: ({ start = '', end = '' }) =>
        'SELECT employees.full_name, leave_requests.start_date, leave_requests.days FROM leave_requests ' +
        'JOIN employees ON employees.id = leave_requests.employee_id ' +
        `WHERE leave_requests.start_date BETWEEN ${sqlString(start)} AND ${sqlString(end)} ORDER BY leave_requests.start_date, leave_requests.id`,
    },
  ],
};

