/**
 * The deterministic policy behind `toolloop/next-step`: given the goal and the steps taken so far, the
 * next required tool call (arguments from the goal and earlier results) or, when everything is done, the
 * reply to the user. The agent applies it to the true goal for ground truth; the teacher applies it to
 * the goal it read from the conversation. A failed or wrong call does not count as done, so the policy
 * asks again for the right one, as a careful assistant would retry.
 */
import type { ToolLoopGoal } from './tool-loop-goal.ts';
import type { ToolStep } from './tool-loop-tools.ts';

export type ToolLoopStep = { kind: 'tool'; name: string; arguments: Record<string, unknown> } | { kind: 'reply' };

/** JSON with sorted keys, so argument objects compare equal whatever order a model wrote them in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The result of an earlier successful call with exactly these arguments. */
function doneResult(history: readonly ToolStep[], name: string, toolArguments: Record<string, unknown>): Record<string, unknown> | undefined {
  const wanted = canonicalJson(toolArguments);
  return history.find((step) => step.name === name && canonicalJson(step.arguments) === wanted && step.result.error === undefined)?.result;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function cheapestFlightId(searchResult: Record<string, unknown>): string {
  const flights = Array.isArray(searchResult.flights) ? searchResult.flights.map(record) : [];
  let best: { id: string; price: number } | undefined;
  for (const flight of flights) {
    const price = Number(record(flight.price).amount);
    if (typeof flight.flight_id === 'string' && (best === undefined || price < best.price)) best = { id: flight.flight_id, price };
  }
  return best?.id ?? '';
}

/** The first event that needs travelling to: anything not held online. */
function meetingCity(calendarResult: Record<string, unknown>): string | undefined {
  const events = Array.isArray(calendarResult.events) ? calendarResult.events.map(record) : [];
  const inPerson = events.find((event) => typeof event.location === 'string' && event.location !== 'Online');
  return inPerson?.location as string | undefined;
}

/** A step either done (its result feeds the next step) or still to do. */
type StepOutcome = { done: true; result: Record<string, unknown> } | { done: false; next: ToolLoopStep };

/** Walks the goal's steps in order and returns the first not yet done. */
export function nextToolLoopStep(goal: ToolLoopGoal, history: readonly ToolStep[]): ToolLoopStep {
  const steps: Array<() => StepOutcome> = [];
  const tool = (name: string, toolArguments: Record<string, unknown>): StepOutcome => {
    const result = doneResult(history, name, toolArguments);
    return result ? { done: true, result } : { done: false, next: { kind: 'tool', name, arguments: toolArguments } };
  };
  const skip = (): StepOutcome => ({ done: true, result: previous });
  let previous: Record<string, unknown> = {};
  switch (goal.kind) {
    case 'flight_booking':
      steps.push(
        () => tool('search_flights', { origin: goal.origin, destination: goal.destination, date: goal.date }),
        () => tool('book_flight', { flight_id: cheapestFlightId(previous), passenger_name: goal.passenger }),
        () => tool('send_email', { to: goal.email, booking_reference: previous.booking_reference }),
      );
      break;
    case 'hotel_weather':
    case 'hotel_price': {
      const booking = {
        city: goal.city,
        check_in: goal.checkIn,
        nights: goal.nights,
        guest_name: goal.guest,
        ...(goal.card === null ? {} : { card_number: goal.card }),
      };
      steps.push(() => tool('book_hotel', booking));
      if (goal.kind === 'hotel_weather') {
        steps.push(() => tool('get_weather', { city: goal.city, date: goal.checkIn }));
      } else {
        const target = goal.currency;
        steps.push(() => {
          const price = record(previous.total_price);
          // A price already in the wanted currency needs no conversion.
          if (price.currency === target) return skip();
          return tool('convert_currency', { amount: price.amount, from: price.currency, to: target });
        });
      }
      break;
    }
    case 'meeting_weather':
      steps.push(
        () => tool('get_calendar', { date: goal.date }),
        () => {
          const city = meetingCity(previous);
          return city === undefined ? skip() : tool('get_weather', { city, date: goal.date });
        },
      );
      break;
    case 'currency':
      steps.push(() => tool('convert_currency', { amount: goal.amount, from: goal.from, to: goal.to }));
      break;
  }
  for (const step of steps) {
    const outcome = step();
    if (!outcome.done) return outcome.next;
    previous = outcome.result;
  }
  return { kind: 'reply' };
}
