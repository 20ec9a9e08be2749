/**
 * An airline: airports, flights, passengers and bookings. Passenger names and emails are personal data.
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

const airports: QueryTable = {
  name: 'airports',
  description: 'airports served, keyed by IATA-style code, with city and country',
  columns: [
    { name: 'code', definition: 'TEXT PRIMARY KEY' },
    { name: 'name', definition: 'TEXT NOT NULL' },
    { name: 'city', definition: 'TEXT NOT NULL' },
    { name: 'country', definition: 'TEXT NOT NULL' },
  ],
};

const flights: QueryTable = {
  name: 'flights',
  description: 'scheduled flights: number, origin, destination, departure date and seat count',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'flight_number', definition: 'TEXT NOT NULL' },
    { name: 'origin_code', definition: 'TEXT NOT NULL', references: 'airports(code)' },
    { name: 'destination_code', definition: 'TEXT NOT NULL', references: 'airports(code)' },
    { name: 'departure_date', definition: 'TEXT NOT NULL' },
    { name: 'seats', definition: 'INTEGER NOT NULL' },
  ],
};

const passengers: QueryTable = {
  name: 'passengers',
  description: 'traveller profiles with contact email and nationality',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'full_name', definition: 'TEXT NOT NULL', pii: 'person_name' },
    { name: 'email', definition: 'TEXT NOT NULL', pii: 'email' },
    { name: 'nationality', definition: 'TEXT NOT NULL' },
  ],
};

const bookings: QueryTable = {
  name: 'bookings',
  description: 'tickets sold: passenger, flight, seat class, fare and booking date',
  columns: [
    { name: 'id', definition: 'INTEGER PRIMARY KEY' },
    { name: 'flight_id', definition: 'INTEGER NOT NULL', references: 'flights(id)' },
    { name: 'passenger_id', definition: 'INTEGER NOT NULL', references: 'passengers(id)' },
    { name: 'seat_class', definition: 'TEXT NOT NULL' },
    { name: 'price_cents', definition: 'INTEGER NOT NULL' },
    { name: 'booked_at', definition: 'TEXT NOT NULL' },
  ],
};

/** A three-letter code from the city name, made unique within one database. */
function airportCode(city: string, taken: Set<string>): string {
  const letters = city.toUpperCase().replace(/[^A-Z]/g, '');
  const candidates = [letters.slice(0, 3), `${letters[0]}${letters.slice(-2)}`, `${letters.slice(0, 2)}X`, `${letters[0]}Q${letters.length % 10}`];
  const code = candidates.find((candidate) => candidate.length === 3 && !taken.has(candidate)) ?? `Z${taken.size.toString().padStart(2, '0')}`;
  taken.add(code);
  return code;
}

export const airlineSchema: QuerySchema = {
  id: 'airline',
  domain: 'an airline reservation system',
  heldOut: false,
  tables: [airports, flights, passengers, bookings],
  populate(database, random, values) {
    const cities = random.sample(values.cities, random.int(5, 8));
    const taken = new Set<string>();
    const airportRows = cities.map((place) => [airportCode(place.city, taken), `${place.city} International`, place.city, place.country]);
    insertRows(database, airports, airportRows);
    const codes = airportRows.map((row) => String(row[0]));
    const flightRows: SqlCell[][] = [];
    const flightCount = random.int(40, 80);
    for (let id = 1; id <= flightCount; id += 1) {
      const [origin, destination] = random.sample(codes, 2);
      flightRows.push([id, `${random.pick(['UA', 'QX', 'NV', 'LK'])}${random.int(100, 9899)}`, origin!, destination!, isoDate(randomDayNumber(random, 365, 1460)), random.pick([120, 150, 180, 220])]);
    }
    insertRows(database, flights, flightRows);
    const passengerRows: SqlCell[][] = [];
    const passengerCount = random.int(30, 60);
    for (let id = 1; id <= passengerCount; id += 1) {
      const name = values.personName(random);
      passengerRows.push([id, name, values.emailAddress(random, name), random.pick(values.cities).country]);
    }
    insertRows(database, passengers, passengerRows);
    const bookingRows: SqlCell[][] = [];
    for (let id = 1; id <= random.int(120, 220); id += 1) {
      const seatClass = random.weighted([['economy', 7], ['premium', 2], ['business', 1]] as const);
      const base = seatClass === 'economy' ? 9_000 : seatClass === 'premium' ? 21_000 : 48_000;
      bookingRows.push([id, random.int(1, flightCount), random.int(1, passengerCount), seatClass, base + random.int(0, 400) * 100, isoDate(randomDayNumber(random, 300, 1400))]);
    }
    insertRows(database, bookings, bookingRows);
  },
  questions: [
    {
      id: 'airline/flights-from-airport',
      pattern: 'filter',
      tables: ['flights'],
      phrasings: [
        'Which flights depart from {code}? Give flight number and date.',
        'List flight numbers and departure dates for flights leaving {code}.',
        'Show all departures out of airport {code}.',
        'I need every flight whose origin is {code}, with its departure date.',
        'What flights take off from {code}?',
      ],
      drawParameters: (database, random) => {
        const code = pickValue(database, 'SELECT DISTINCT origin_code FROM flights', random);
        return code === undefined ? undefined : { code };
      },
      goldSql: ({ code = '' }) =>
        `SELECT flights.flight_number, flights.departure_date FROM flights WHERE flights.origin_code = ${sqlString(code)}`,
    },
    {
      id: 'airline/flights-of-passenger',
      pattern: 'join',
      tables: ['passengers', 'bookings', 'flights'],
      phrasings: [
        'Which flights has {passenger} booked?',
        'List the flight numbers and dates on bookings made by {passenger}.',
        'Show me the trips of the passenger {passenger}: flight number and departure date.',
        'What flights is {passenger} ticketed on?',
        'Give every flight that {passenger} holds a booking for, with the date.',
      ],
      piiParameters: { passenger: 'person_name' },
      drawParameters: (database, random) => {
        const passenger = pickValue(database, 'SELECT DISTINCT passengers.full_name FROM passengers JOIN bookings ON bookings.passenger_id = passengers.id', random);
        return passenger === undefined ? undefined : { passenger };
      },
      goldSql: ({ passenger = '' }) =>
        'SELECT flights.flight_number, flights.departure_date FROM flights JOIN bookings ON bookings.flight_id = flights.id ' +
        `JOIN passengers ON passengers.id = bookings.passenger_id WHERE passengers.full_name = ${sqlString(passenger)}`,
    },
    {
      id: 'airline/revenue-by-seat-class',
      pattern: 'aggregate',
      tables: ['bookings', 'flights'],
      phrasings: [
        'What was the booking revenue per seat class for flights departing in {year}?',
        'Sum the fares by seat class for {year} departures.',
        'Break down ticket revenue by cabin class, only flights that left in {year}.',
        'How much did each seat class earn on flights with a departure date in {year}?',
        'Total price of bookings grouped by seat class, restricted to {year} flights.',
      ],
      drawParameters: (database, random) => {
        const year = pickValue(database, "SELECT DISTINCT strftime('%Y', flights.departure_date) FROM flights JOIN bookings ON bookings.flight_id = flights.id", random);
        return year === undefined ? undefined : { year };
      },
      goldSql: ({ year = '' }) =>
        'SELECT bookings.seat_class, SUM(bookings.price_cents) AS revenue_cents FROM bookings JOIN flights ON flights.id = bookings.flight_id ' +
        `WHERE strftime('%Y', flights.departure_date) = ${sqlString(year)} GROUP BY bookings.seat_class`,
    },
    {
      id: 'airline/busiest-destinations',
      pattern: 'order-limit',
      tables: ['flights', 'airports'],
      phrasings: [
        'What are the {n} destination cities with the most arriving flights?',
        'Rank destination cities by number of inbound flights and show the top {n}.',
        'Give me the {n} busiest destinations by flight count.',
        'Which {n} cities receive the most flights?',
        'Top {n} arrival cities by how many flights land there, please.',
      ],
      drawParameters: (_database, random) => ({ n: String(random.int(2, 4)) }),
      goldSql: ({ n = '3' }) =>
        'SELECT airports.city, COUNT(flights.id) AS arrivals FROM flights JOIN airports ON airports.code = flights.destination_code ' +
        `GROUP BY airports.code ORDER BY arrivals DESC, airports.city LIMIT ${n}`,
    },
    {
      id: 'airline/passengers-with-many-bookings',
      pattern: 'having',
      tables: ['passengers', 'bookings'],
      phrasings: [
        'Which passengers have more than {threshold} bookings?',
        'List frequent flyers with over {threshold} bookings and their booking count.',
        'Find passengers who booked more than {threshold} times.',
        'Show each passenger whose number of bookings exceeds {threshold}.',
        'Who holds more than {threshold} bookings with us?',
      ],
      drawParameters: (database, random) => {
        const threshold = pickThreshold(database, 'SELECT COUNT(*) FROM bookings GROUP BY passenger_id', random);
        return threshold === undefined ? undefined : { threshold };
      },
      goldSql: ({ threshold = '1' }) =>
        'SELECT passengers.full_name, COUNT(bookings.id) AS booking_count FROM passengers JOIN bookings ON bookings.passenger_id = passengers.id ' +
        `GROUP BY passengers.id HAVING COUNT(bookings.id) > ${threshold}`,
    },
    {
      id: 'airline/distinct-passengers-to-city',
      pattern: 'count-distinct',
      tables: ['bookings', 'flights', 'airports'],
      phrasings: [
        'How many different passengers have booked a flight to {city}?',
        'Count the distinct travellers flying into {city}.',
        'Number of unique passengers with a booking on flights arriving in {city}?',
        'How many separate people are booked to {city}?',
        'Tell me how many distinct passengers travel to {city} on our flights.',
      ],
      drawParameters: (database, random) => {
        const city = pickValue(
          database,
          'SELECT DISTINCT airports.city FROM airports JOIN flights ON flights.destination_code = airports.code JOIN bookings ON bookings.flight_id = flights.id',
          random,
        );
        return city === undefined ? undefined : { city };
      },
      goldSql: ({ city = '' }) =>
        'SELECT COUNT(DISTINCT bookings.passenger_id) AS passengers FROM bookings JOIN flights ON flights.id = bookings.flight_id ' +
        `JOIN airports ON airports.code = flights.destination_code WHERE airports.city = ${sqlString(city)}`,
    },
    {
      id: 'airline/flights-between-dates',
      pattern: 'date-range',
      tables: ['flights'],
      phrasings: [
        'List flights departing between {start} and {end}, earliest first.',
        'Show flight number, origin, destination and date for departures from {start} to {end} in date order.',
        'Which flights leave from {start} through {end}? Sort by departure date.',
        'Pull every flight scheduled between {start} and {end} inclusive, ordered by departure.',
        'I want the departures in the window {start} to {end}, chronologically.',
      ],
      drawParameters: (database, random) => pickDateRange(database, 'SELECT departure_date FROM flights', random),
      goldSql: ({ start = '', end = '' }) =>
        'SELECT flights.flight_number, flights.origin_code, flights.destination_code, flights.departure_date FROM flights ' +
        `WHERE flights.departure_date BETWEEN ${sqlString(start)} AND ${sqlString(end)} ORDER BY flights.departure_date, flights.id`,
    },
  ],
};
