/**
 * A medical clinic: doctors, patients, appointments and prescriptions. Held out of training: only `eval`
 * episodes draw it, so evaluation measures schemas a specialist never saw. Patient names, emails and
 * birth dates are personal data.
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

const doctors: QueryTable = {
  name: 'doctors',
  description: 'practitioners and their medical specialty',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'full_name', definition: 'TEXT NOT NULL', pii: 'person_name' },
    { name: 'specialty', definition: 'TEXT NOT NULL' },
  ],
};

const patients: QueryTable = {
  name: 'patients',
  description: 'registered patients with contact email, birth date and city',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'full_name', definition: 'TEXT NOT NULL', pii: 'person_name' },
    { name: 'email', definition: 'TEXT NOT NULL', pii: 'email' },
    { name: 'birth_date', definition: 'TEXT NOT NULL', pii: 'date_of_birth' },
    { name: 'city', definition: 'TEXT NOT NULL' },
  ],
};

const appointments: QueryTable = {
  name: 'appointments',
  description: 'visits booked between a patient and a doctor, with date, status and fee',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'doctor_id', definition: 'INTEGER NOT NULL', references: 'doctors(id)' },
    { name: 'patient_id', definition: 'INTEGER NOT NULL', references: 'patients(id)' },
    { name: 'appointment_date', definition: 'TEXT NOT NULL' },
    { name: 'status', definition: 'TEXT NOT NULL' },
    { name: 'fee_cents', definition: 'INTEGER NOT NULL' },
  ],
};

const prescriptions: QueryTable = {
  name: 'prescriptions',
  description: 'medications prescribed during an appointment, with dosage',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'appointment_id', definition: 'INTEGER NOT NULL', references: 'appointments(id)' },
    { name: 'medication', definition: 'TEXT NOT NULL' },
    { name: 'dosage_mg', definition: 'INTEGER NOT NULL' },
  ],
};

const specialties = ['Cardiology', 'Dermatology', 'General Practice', 'Paediatrics', 'Orthopaedics', 'Neurology'];
const medications = ['Amoxicillin', 'Ibuprofen', 'Metformin', 'Lisinopril', 'Atorvastatin', 'Omeprazole', 'Cetirizine', 'Sertraline'];

export const clinicSchema: QuerySchema = {
  id: 'clinic',
  domain: 'a medical clinic scheduling system',
  heldOut: true,
  tables: [doctors, patients, appointments, prescriptions],
  populate(database, random, values) {
    const doctorCount = random.int(5, 10);
    const doctorRows: SqlCell[][] = [];
    for (let id = 1; id <= doctorCount; id += 1) doctorRows.push([id, values.personName(random), random.pick(specialties)]);
    insertRows(database, doctors, doctorRows);
    const cities = random.sample(values.cities, random.int(3, 6));
    const patientRows: SqlCell[][] = [];
    const patientCount = random.int(30, 60);
    for (let id = 1; id <= patientCount; id += 1) {
      const name = values.personName(random);
      patientRows.push([id, name, values.emailAddress(random, name), isoDate(random.int(-30_000, -1_000)), random.pick(cities).city]);
    }
    insertRows(database, patients, patientRows);
    const appointmentRows: SqlCell[][] = [];
    const prescriptionRows: SqlCell[][] = [];
    const appointmentCount = random.int(80, 150);
    for (let id = 1; id <= appointmentCount; id += 1) {
      const status = random.weighted([['completed', 6], ['scheduled', 2], ['cancelled', 1], ['no-show', 1]] as const);
      appointmentRows.push([id, random.int(1, doctorCount), random.int(1, patientCount), isoDate(randomDayNumber(random, 500, 1460)), status, random.pick([4500, 6000, 8000, 12000, 15000])]);
      if (status === 'completed') {
        for (let count = random.int(0, 2); count > 0; count -= 1) {
          prescriptionRows.push([prescriptionRows.length + 1, id, random.pick(medications), random.pick([5, 10, 20, 50, 250, 500])]);
        }
      }
    }
    insertRows(database, appointments, appointmentRows);
    insertRows(database, prescriptions, prescriptionRows);
  },
  questions: [
    {
      id: 'clinic/patients-in-city',
      pattern: 'filter',
      tables: ['patients'],
      phrasings: [
        'List the names and emails of patients living in {city}.',
        'Which patients are registered in {city}? Name and email please.',
        'Show every patient from {city} with their email address.',
        'I need contact emails for all our patients in {city}, with names.',
        'Find patients whose city is {city}; return name and email.',
      ],
      drawParameters: (database, random) => {
        const city = pickValue(database, 'SELECT DISTINCT city FROM patients', random);
        return city === undefined ? undefined : { city };
      },
      goldSql: ({ city = '' }) => `SELECT patients.full_name, patients.email FROM patients WHERE patients.city = ${sqlString(city)}`,
    },
    {
      id: 'clinic/appointments-of-patient',
      pattern: 'join',
      tables: ['patients', 'appointments', 'doctors'],
      phrasings: [
        'Which doctors has {patient} seen, and on what dates?',
        'List the appointment dates and doctor names for the patient {patient}.',
        'Show every appointment of {patient} with the doctor it was with.',
        'When did {patient} have appointments, and with which doctor?',
        'Give me the visit history of {patient}: date and doctor.',
      ],
      piiParameters: { patient: 'person_name' },
      drawParameters: (database, random) => {
        const patient = pickValue(database, 'SELECT DISTINCT patients.full_name FROM patients JOIN appointments ON appointments.patient_id = patients.id', random);
        return patient === undefined ? undefined : { patient };
      },
      goldSql: ({ patient = '' }) =>
        'SELECT appointments.appointment_date, doctors.full_name FROM appointments JOIN patients ON patients.id = appointments.patient_id ' +
        `JOIN doctors ON doctors.id = appointments.doctor_id WHERE patients.full_name = ${sqlString(patient)}`,
    },
    {
      id: 'clinic/fees-by-specialty',
      pattern: 'aggregate',
      tables: ['appointments', 'doctors'],
      phrasings: [
        'What are the total fees per specialty for {status} appointments?',
        'Sum appointment fees by doctor specialty, only {status} visits.',
        'Break down fee income by specialty across appointments with status {status}.',
        'How much in fees did each specialty bill for {status} appointments?',
        'Total fee_cents grouped by specialty where the appointment is {status}.',
      ],
      drawParameters: (database, random) => {
        const status = pickValue(database, 'SELECT DISTINCT status FROM appointments', random);
        return status === undefined ? undefined : { status };
      },
      goldSql: ({ status = '' }) =>
        'SELECT doctors.specialty, SUM(appointments.fee_cents) AS total_fees_cents FROM appointments JOIN doctors ON doctors.id = appointments.doctor_id ' +
        `WHERE appointments.status = ${sqlString(status)} GROUP BY doctors.specialty`,
    },
    {
      id: 'clinic/most-prescribed-medications',
      pattern: 'order-limit',
      tables: ['prescriptions'],
      phrasings: [
        'What are the {n} most prescribed medications?',
        'Rank medications by number of prescriptions and show the top {n}.',
        'Give me the {n} medications prescribed most often, with counts.',
        'Which {n} drugs appear most in prescriptions?',
        'Top {n} medications by prescription count, please.',
      ],
      drawParameters: (_database, random) => ({ n: String(random.int(2, 5)) }),
      goldSql: ({ n = '3' }) =>
        'SELECT prescriptions.medication, COUNT(*) AS prescription_count FROM prescriptions GROUP BY prescriptions.medication ' +
        `ORDER BY prescription_count DESC, prescriptions.medication LIMIT ${n}`,
    },
    {
      id: 'clinic/doctors-with-many-appointments',
      pattern: 'having',
      tables: ['doctors', 'appointments'],
      phrasings: [
        'Which doctors have more than {threshold} appointments?',
        'List doctors with over {threshold} appointments and their appointment count.',
        'Find the doctors booked more than {threshold} times.',
        'Show each doctor whose number of appointments exceeds {threshold}.',
        'Who among our doctors has more than {threshold} appointments on the books?',
      ],
      drawParameters: (database, random) => {
        const threshold = pickThreshold(database, 'SELECT COUNT(*) FROM appointments GROUP BY doctor_id', random);
        return threshold === undefined ? undefined : { threshold };
      },
      goldSql: ({ threshold = '1' }) =>
        'SELECT doctors.full_name, COUNT(appointments.id) AS appointment_count FROM doctors JOIN appointments ON appointments.doctor_id = doctors.id ' +
        `GROUP BY doctors.id HAVING COUNT(appointments.id) > ${threshold}`,
    },
    {
      id: 'clinic/patients-seen-by-specialty',
      pattern: 'count-distinct',
      tables: ['appointments', 'doctors'],
      phrasings: [
        'How many different patients have had an appointment in {specialty}?',
        'Count the distinct patients seen by a {specialty} doctor.',
        'Number of unique patients with a {specialty} appointment?',
        'How many separate patients visited {specialty}?',
        'Tell me how many distinct patients the {specialty} doctors have seen.',
      ],
      drawParameters: (database, random) => {
        const specialty = pickValue(database, 'SELECT DISTINCT doctors.specialty FROM doctors JOIN appointments ON appointments.doctor_id = doctors.id', random);
        return specialty === undefined ? undefined : { specialty };
      },
      goldSql: ({ specialty = '' }) =>
        'SELECT COUNT(DISTINCT appointments.patient_id) AS patients FROM appointments JOIN doctors ON doctors.id = appointments.doctor_id ' +
        `WHERE doctors.specialty = ${sqlString(specialty)}`,
    },
    {
      id: 'clinic/appointments-between-dates',
      pattern: 'date-range',
      tables: ['appointments'],
      phrasings: [
        'List the appointments between {start} and {end}, earliest first.',
        'Show appointment id, date and status for visits from {start} to {end} in date order.',
        'Which appointments fall from {start} through {end}? Sort by date.',
        'Pull every appointment dated between {start} and {end} inclusive, ordered by date.',
        'I want the appointments in the window {start} to {end}, chronologically.',
      ],
      drawParameters: (database, random) => pickDateRange(database, 'SELECT appointment_date FROM appointments', random),
      goldSql: ({ start = '', end = '' }) =>
        'SELECT appointments.id, appointments.appointment_date, appointments.status FROM appointments ' +
        `WHERE appointments.appointment_date BETWEEN ${sqlString(start)} AND ${sqlString(end)} ORDER BY appointments.appointment_date, appointments.id`,
    },
  ],
};
