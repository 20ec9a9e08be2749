/**
 * What the user asks the tool-loop assistant to do. A goal is structured truth; the user's first message
 * renders it in one of several phrasings (dates as ISO or spelled out, an optional preamble and card), and
 * the teacher reads it back from that message alone.
 */
import type { Random } from '../random.ts';
import type { DataSplit } from '../simulated-task.ts';
import { fillTemplate, matchTemplates } from '../internal/slot-template.ts';
import { cardNumber, emailAddress, personName } from '../world/pii-generators.ts';
import { maybe } from '../world/pii-plan.ts';
import { valuePools } from '../world/value-pools.ts';
import { cardSentences, goalPhrasings, goalPreambles, goalSlotPatterns } from './internal/goal-phrasings.ts';

export type ToolLoopGoal =
  | { kind: 'flight_booking'; origin: string; destination: string; date: string; passenger: string; email: string }
  | { kind: 'hotel_weather'; city: string; checkIn: string; nights: number; guest: string; card: string | null }
  | { kind: 'hotel_price'; city: string; checkIn: string; nights: number; guest: string; card: string | null; currency: string }
  | { kind: 'meeting_weather'; date: string }
  | { kind: 'currency'; amount: number; from: string; to: string };

export type ToolLoopGoalKind = ToolLoopGoal['kind'];

export const toolLoopGoalKinds: readonly ToolLoopGoalKind[] = ['flight_booking', 'hotel_weather', 'hotel_price', 'meeting_weather', 'currency'];

export const currencies: readonly string[] = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'INR', 'BRL'];

const monthNames = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December',
];

/** A travel date between December 2026 and March 2027, as ISO `YYYY-MM-DD`. */
function travelDate(random: Random): string {
  const month = random.pick([12, 1, 2, 3]);
  const year = month === 12 ? 2026 : 2027;
  return `${year}-${String(month).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
}

/** Users write dates either way; tools take ISO. */
function writtenDate(iso: string, random: Random): string {
  if (random.chance(0.5)) return iso;
  const [year, month, day] = iso.split('-');
  return `${Number(day)} ${monthNames[Number(month) - 1]} ${year}`;
}

function isoDate(written: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(written)) return written;
  const [day, month, year] = written.split(' ');
  return `${year}-${String(monthNames.indexOf(month!) + 1).padStart(2, '0')}-${day!.padStart(2, '0')}`;
}

/** How common each goal is, and the share of its calls that are the open-ended final reply. */
const goalKindProfile: ReadonlyArray<readonly [ToolLoopGoalKind, number, number]> = [
  ['flight_booking', 3, 1 / 4],
  ['hotel_weather', 2, 1 / 3],
  ['hotel_price', 2, 1 / 3],
  ['meeting_weather', 2, 1 / 3],
  ['currency', 1, 1 / 2],
];

/**
 * Goal weights tilted towards kinds whose open-ended share is near the target: every episode ends in one
 * open reply, so the only lever on the share is how many tool steps come before it.
 */
export function goalKindWeights(openEndedShare: number): Array<readonly [ToolLoopGoalKind, number]> {
  return goalKindProfile.map(([kind, weight, share]) => [kind, weight * Math.exp(-20 * (share - openEndedShare) ** 2)] as const);
}

export function createToolLoopGoal(random: Random, split: DataSplit, openEndedShare = 0.3): ToolLoopGoal {
  const pools = valuePools(split);
  const kind = random.weighted<ToolLoopGoalKind>(goalKindWeights(openEndedShare));
  switch (kind) {
    case 'flight_booking': {
      const [origin, destination] = random.sample(pools.cities, 2);
      const passenger = personName(random, split);
      return {
        kind,
        origin: origin!.city,
        destination: destination!.city,
        date: travelDate(random),
        passenger,
        email: emailAddress(random, split, random.chance(0.7) ? passenger : undefined),
      };
    }
    case 'hotel_weather':
    case 'hotel_price': {
      const base = {
        city: random.pick(pools.cities).city,
        checkIn: travelDate(random),
        nights: random.int(1, 7),
        guest: personName(random, split),
        // Booking a hotel is where a user hands over a card; far above the average tool message's rate.
        card: maybe(random, 'card_number', { setting: 'tool', rate: 15 }) ? cardNumber(random) : null,
      };
      return kind === 'hotel_weather' ? { kind, ...base } : { kind, ...base, currency: random.pick(currencies) };
    }
    case 'meeting_weather':
      return { kind, date: travelDate(random) };
    case 'currency': {
      const [from, to] = random.sample(currencies, 2);
      const amount = random.chance(0.5) ? random.int(5, 2000) : random.int(500, 200000) / 100;
      return { kind, amount, from: from!, to: to! };
    }
  }
}

/** The user's first message: an optional preamble, the goal, and for hotels sometimes the card to use. */
export function renderGoal(goal: ToolLoopGoal, random: Random): string {
  const template = random.pick(goalPhrasings[goal.kind]);
  let text: string;
  switch (goal.kind) {
    case 'flight_booking':
      text = fillTemplate(template, { ...goal, date: writtenDate(goal.date, random) });
      break;
    case 'hotel_weather':
    case 'hotel_price':
      text = fillTemplate(template, {
        city: goal.city,
        checkIn: writtenDate(goal.checkIn, random),
        nights: String(goal.nights),
        guest: goal.guest,
        currency: goal.kind === 'hotel_price' ? goal.currency : '',
      });
      if (goal.card !== null) text += ` ${fillTemplate(random.pick(cardSentences), { card: goal.card })}`;
      break;
    case 'meeting_weather':
      text = fillTemplate(template, { date: writtenDate(goal.date, random) });
      break;
    case 'currency':
      text = fillTemplate(template, { amount: String(goal.amount), from: goal.from, to: goal.to });
      break;
  }
  return random.chance(0.3) ? `${random.pick(goalPreambles)} ${text}` : text;
}

/** The teacher's reading of the user's first message; undefined when no goal phrasing matches. */
export function readGoal(text: string): ToolLoopGoal | undefined {
  for (const kind of toolLoopGoalKinds) {
    const match = matchTemplates(goalPhrasings[kind], text, goalSlotPatterns);
    if (!match) continue;
    const slots = match.slots;
    switch (kind) {
      case 'flight_booking':
        return {
          kind,
          origin: slots.origin!,
          destination: slots.destination!,
          date: isoDate(slots.date!),
          passenger: slots.passenger!,
          email: slots.email!,
        };
      case 'hotel_weather':
      case 'hotel_price': {
        const base = {
          city: slots.city!,
          checkIn: isoDate(slots.checkIn!),
          nights: Number(slots.nights),
          guest: slots.guest!,
          card: matchTemplates(cardSentences, text, goalSlotPatterns)?.slots.card ?? null,
        };
        return kind === 'hotel_weather' ? { kind, ...base } : { kind, ...base, currency: slots.currency! };
      }
      case 'meeting_weather':
        return { kind, date: isoDate(slots.date!) };
      case 'currency':
        return { kind, amount: Number(slots.amount), from: slots.from!, to: slots.to! };
    }
  }
  return undefined;
}
