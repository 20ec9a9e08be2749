/**
 * How users state their goals to the assistant, five or more phrasings per goal kind, as `{slot}`
 * templates the agent renders and the teacher reads back.
 */
import type { ToolLoopGoalKind } from '../tool-loop-goal.ts';

export const goalPhrasings: Readonly<Record<ToolLoopGoalKind, readonly string[]>> = {
  flight_booking: [
    'Find me a flight from {origin} to {destination} on {date} and book the cheapest one for {passenger}. Then email the confirmation to {email}.',
    'I need to get from {origin} to {destination} on {date}. Please book the cheapest flight in the name of {passenger} and send the confirmation to {email}.',
    'Book the cheapest {origin} → {destination} flight on {date} for {passenger}; confirmation to {email} please.',
    'Can you search flights {origin} to {destination} for {date}, book the lowest fare for passenger {passenger}, and email the booking to {email}?',
    "Flight for {passenger}: {origin} to {destination}, {date}, cheapest option. Send the confirmation email to {email} when it's booked.",
  ],
  hotel_weather: [
    'Book a hotel in {city} for {nights} nights from {checkIn} for {guest}, and tell me what the weather will be like when I arrive.',
    "I'm going to {city} on {checkIn} for {nights} nights. Reserve a hotel under the name {guest} and check the weather for my arrival day.",
    "Please get me a hotel room in {city}, check-in {checkIn}, {nights} nights, guest {guest}. Also, what's the forecast for that day?",
    "Hotel in {city} from {checkIn} ({nights} nights) for {guest} please - and how's the weather looking on arrival?",
    "Could you book {nights} nights in {city} starting {checkIn} for {guest}? I'd also like the weather forecast for the day I get there.",
  ],
  hotel_price: [
    'Book a hotel in {city} for {nights} nights from {checkIn} for {guest} and tell me the total in {currency}.',
    'Reserve {nights} nights in {city} starting {checkIn}, guest name {guest}. How much is that in {currency}?',
    'I need a hotel in {city}: check-in {checkIn}, {nights} nights, for {guest}. Please convert the price to {currency} for me.',
    'Please book me ({guest}) into a hotel in {city} on {checkIn} for {nights} nights, and give me the cost in {currency}.',
    "Hotel booking: {city}, {checkIn}, {nights} nights, {guest}. I'd like to know the price in {currency}.",
  ],
  meeting_weather: [
    "What's on my calendar on {date}? If I have an in-person meeting somewhere, check the weather there.",
    'Check my calendar for {date} and tell me the weather at my meeting location.',
    'Look at my schedule on {date}; I want to know what the weather will be where my meeting is.',
    'I have a meeting on {date} - can you find where it is and get the forecast for that city?',
    'For {date}: pull up my appointments and check the weather in the city of the in-person one.',
  ],
  currency: [
    'How much is {amount} {from} in {to}?',
    'Convert {amount} {from} to {to} please.',
    "What's {amount} {from} worth in {to} today?",
    'I have {amount} {from} - how many {to} is that?',
    'Quick conversion: {amount} {from} -> {to}.',
  ],
};

/** Added to hotel goals when the user names the card to pay with. */
export const cardSentences: readonly string[] = [
  'Use my card {card} for the booking.',
  'Please charge it to {card}.',
  'Pay with the card {card}.',
  'My card for this is {card}.',
  'You can use card number {card} to pay.',
];

/** Context users add before the request; it carries no values. */
export const goalPreambles: readonly string[] = [
  'Hi Atlas!',
  'Quick favour.',
  "I'm planning a trip with my family.",
  'Morning! Busy week ahead.',
  'Hope you can help with this.',
  'Work stuff again, sorry.',
];

const monthPattern = 'January|February|March|April|May|June|July|August|September|October|November|December';

/** Slot shapes: typed where a lazy slot could otherwise run into the next phrase. */
export const goalSlotPatterns: Readonly<Record<string, string>> = {
  date: `\\d{4}-\\d{2}-\\d{2}|\\d{1,2} (?:${monthPattern}) \\d{4}`,
  checkIn: `\\d{4}-\\d{2}-\\d{2}|\\d{1,2} (?:${monthPattern}) \\d{4}`,
  nights: '\\d+',
  email: '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}',
  card: '\\d[\\d ]*\\d',
  amount: '\\d+(?:\\.\\d{1,2})?',
  from: '[A-Z]{3}',
  to: '[A-Z]{3}',
  currency: '[A-Z]{3}',
  passenger: "[^\\n,.:;()]+?",
  guest: "[^\\n,.:;()]+?",
  origin: '[^\\n,.;()]+?',
  destination: '[^\\n,.;()]+?',
  city: '[^\\n,.:;()]+?',
};
