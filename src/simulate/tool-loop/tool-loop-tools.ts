/**
 * The tool-loop assistant's fixed system prompt and tool set, and the deterministic back-ends the agent
 * runs when the model calls a tool. Results feed later steps (the cheapest flight id, a booking reference,
 * a meeting's city, a hotel's price), so the right next call depends on what came back.
 */
import type { ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import type { Random } from '../random.ts';
import type { DataSplit } from '../simulated-task.ts';
import type { PlantedValue } from '../internal/locate-request-pii.ts';
import { emailAddress, personName } from '../world/pii-generators.ts';
import { valuePools } from '../world/value-pools.ts';

/** One system prompt for every call: the model, not the code, decides what happens next. */
export const toolLoopSystemPrompt = [
  'You are Atlas, a personal travel and scheduling assistant.',
  'You can search and book flights, book hotels, check the weather, read the user\'s calendar, convert currencies and send emails on the user\'s behalf.',
  'Work step by step: call one tool at a time and wait for its result. Use only ids, prices and places that tools returned; never invent them.',
  'When the user\'s request is fully handled, reply to the user with a short summary of what you did.',
  'Dates are ISO 8601 (YYYY-MM-DD). Today is 2026-11-20.',
].join('\n');

export const toolLoopModel = 'gpt-4.1';

function functionTool(name: string, description: string, properties: Record<string, unknown>, required: string[]) {
  return {
    type: 'function',
    function: { name, description, parameters: { type: 'object', properties, required, additionalProperties: false } },
  };
}

const isoDateParameter = { type: 'string', description: 'YYYY-MM-DD' };

export const toolLoopTools: NonNullable<ChatCompletionRequest['tools']> = [
  functionTool(
    'search_flights',
    'Search flights for one day. Returns flights with ids and prices.',
    { origin: { type: 'string', description: 'City' }, destination: { type: 'string', description: 'City' }, date: isoDateParameter },
    ['origin', 'destination', 'date'],
  ),
  functionTool(
    'book_flight',
    'Book a flight returned by search_flights.',
    { flight_id: { type: 'string' }, passenger_name: { type: 'string' } },
    ['flight_id', 'passenger_name'],
  ),
  functionTool(
    'book_hotel',
    'Book a hotel room. Returns the reservation with its total price in local currency.',
    {
      city: { type: 'string' },
      check_in: isoDateParameter,
      nights: { type: 'integer', minimum: 1 },
      guest_name: { type: 'string' },
      card_number: { type: 'string', description: 'Only when the user gave a card to pay with' },
    },
    ['city', 'check_in', 'nights', 'guest_name'],
  ),
  functionTool('get_weather', 'Weather forecast for a city on a day.', { city: { type: 'string' }, date: isoDateParameter }, ['city', 'date']),
  functionTool("get_calendar", "The user's calendar events on a day.", { date: isoDateParameter }, ['date']),
  functionTool(
    'send_email',
    'Email a booking confirmation. The message body is generated from the booking reference.',
    { to: { type: 'string' }, booking_reference: { type: 'string' } },
    ['to', 'booking_reference'],
  ),
  functionTool(
    'convert_currency',
    'Convert an amount between currencies at today\'s rate.',
    { amount: { type: 'number' }, from: { type: 'string', description: 'ISO 4217' }, to: { type: 'string', description: 'ISO 4217' } },
    ['amount', 'from', 'to'],
  ),
];

/** Euro value of one unit, a fixed table so conversions are reproducible. */
const euroPerUnit: Readonly<Record<string, number>> = {
  EUR: 1,
  USD: 0.92,
  GBP: 1.17,
  CHF: 1.05,
  JPY: 0.0061,
  INR: 0.011,
  BRL: 0.17,
};

const localCurrency: Readonly<Record<string, string>> = { GB: 'GBP', US: 'USD', IN: 'INR', BR: 'BRL', JP: 'JPY', CH: 'CHF' };

function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A tool's answer and the personal values it introduced into the conversation. */
export interface ToolRun {
  result: Record<string, unknown>;
  planted: PlantedValue[];
}

/** One executed step, as the policy and the teacher see it. */
export interface ToolStep {
  name: string;
  arguments: Record<string, unknown>;
  result: Record<string, unknown>;
}

/** Flight ids every earlier search returned: booking anything else fails, as a real airline API would. */
function offeredFlights(history: readonly ToolStep[]): Set<string> {
  const ids = new Set<string>();
  for (const step of history) {
    const flights = step.name === 'search_flights' ? step.result.flights : undefined;
    if (!Array.isArray(flights)) continue;
    for (const flight of flights) {
      if (typeof flight === 'object' && flight !== null && typeof (flight as { flight_id?: unknown }).flight_id === 'string') {
        ids.add((flight as { flight_id: string }).flight_id);
      }
    }
  }
  return ids;
}

/** Runs a tool call against the simulated world; wrong calls get the errors real services give. */
export function runToolLoopTool(
  name: string,
  toolArguments: Record<string, unknown>,
  history: readonly ToolStep[],
  random: Random,
  split: DataSplit,
): ToolRun {
  const text = (key: string): string => (typeof toolArguments[key] === 'string' ? (toolArguments[key] as string) : '');
  switch (name) {
    case 'search_flights': {
      const airlines = ['Lufthansa', 'KLM', 'Air France', 'British Airways', 'Iberia', 'easyJet', 'Ryanair', 'SAS'];
      const prices = random.sample([89, 104, 119, 137, 149, 168, 189, 215, 242, 276, 310], random.int(2, 4));
      const flights = prices.map((price) => {
        const hour = random.int(6, 20);
        return {
          flight_id: `${random.string(2, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}${random.int(100, 9999)}`,
          airline: random.pick(airlines),
          departure: `${text('date')}T${String(hour).padStart(2, '0')}:${random.pick(['05', '20', '35', '50'])}`,
          duration_minutes: random.int(55, 260),
          price: { amount: price, currency: 'EUR' },
        };
      });
      return { result: { origin: text('origin'), destination: text('destination'), date: text('date'), flights }, planted: [] };
    }
    case 'book_flight':
      if (!offeredFlights(history).has(text('flight_id'))) return { result: { error: 'flight_not_found', flight_id: text('flight_id') }, planted: [] };
      return {
        result: { booking_reference: random.string(6, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'), flight_id: text('flight_id'), passenger_name: text('passenger_name'), status: 'confirmed' },
        planted: [{ kind: 'person_name', value: text('passenger_name') }],
      };
    case 'book_hotel': {
      const city = valuePools(split).cities.find((entry) => entry.city === text('city'));
      const currency = localCurrency[city?.country ?? ''] ?? 'EUR';
      const nights = typeof toolArguments.nights === 'number' ? toolArguments.nights : 1;
      const perNightEuro = random.int(70, 260);
      return {
        result: {
          reservation_id: `H-${random.int(100000, 999999)}`,
          hotel: `${random.pick(['Grand', 'Park', 'City', 'Harbour', 'Central'])} ${random.pick(['Hotel', 'Inn', 'Suites', 'Residence'])}`,
          city: text('city'),
          check_in: text('check_in'),
          nights,
          guest_name: text('guest_name'),
          total_price: { amount: roundCents((perNightEuro * nights) / (euroPerUnit[currency] ?? 1)), currency },
        },
        planted: [{ kind: 'person_name', value: text('guest_name') }],
      };
    }
    case 'get_weather':
      return {
        result: {
          city: text('city'),
          date: text('date'),
          forecast: random.pick(['sunny', 'partly cloudy', 'overcast', 'light rain', 'snow showers', 'windy']),
          high_c: random.int(-5, 18),
          low_c: random.int(-12, 4),
        },
        planted: [],
      };
    case 'get_calendar': {
      const pools = valuePools(split);
      const colleague = personName(random, split);
      const colleagueEmail = emailAddress(random, split, colleague);
      const meetingCity = random.pick(pools.cities).city;
      const events = [
        { title: 'Team stand-up', start: '09:00', end: '09:15', location: 'Online' },
        { title: `Meeting with ${colleague}`, start: `${random.int(10, 16)}:00`, end: `${random.int(17, 18)}:00`, location: meetingCity, attendees: [colleagueEmail] },
      ];
      if (random.chance(0.5)) events.push({ title: 'Focus time', start: '18:00', end: '19:00', location: 'Online' });
      return {
        result: { date: text('date'), events: random.chance(0.5) ? events : [events[1]!, events[0]!, ...events.slice(2)] },
        planted: [
          { kind: 'person_name', value: colleague },
          { kind: 'email', value: colleagueEmail },
        ],
      };
    }
    case 'send_email':
      return { result: { sent: true, to: text('to'), message_id: `<${random.string(12, 'abcdef0123456789')}@mail.atlas>` }, planted: [] };
    case 'convert_currency': {
      const from = euroPerUnit[text('from')];
      const to = euroPerUnit[text('to')];
      const amount = typeof toolArguments.amount === 'number' ? toolArguments.amount : Number.NaN;
      if (from === undefined || to === undefined || Number.isNaN(amount)) return { result: { error: 'unsupported_currency' }, planted: [] };
      return { result: { amount, from: text('from'), to: text('to'), rate: from / to, converted: roundCents((amount * from) / to) }, planted: [] };
    }
    default:
      return { result: { error: 'unknown_tool', name }, planted: [] };
  }
}
