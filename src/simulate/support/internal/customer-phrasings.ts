/**
 * How customers write to support, as `{slot}` templates. The agent renders messages from them and the
 * teacher reads messages back with the same templates, so every list here is shared by both sides. Each
 * template keeps fixed text after its last slot, because slots match lazily.
 */
import type { DeliveryOption } from '../support-case.ts';
import type { SupportIntent } from '../support-intents.ts';

/** Intent bodies; `{orderLine}` is replaced by one of `orderLines` before rendering or matching. */
export const intentBodies: Readonly<Record<SupportIntent, readonly string[]>> = {
  order_status: [
    'Where is {orderLine}? It still hasn\'t arrived and the tracking page shows nothing.',
    'Could you tell me the delivery status of {orderLine}? I was expecting it by now.',
    'I\'m still waiting for {orderLine}. Can you check where the parcel is?',
    'Any news on {orderLine}? The estimated delivery date has passed.',
    'Has {orderLine} been shipped yet? I haven\'t received a dispatch confirmation.',
  ],
  refund_request: [
    'I would like a refund for {orderLine}. The item arrived damaged.',
    'Please refund {orderLine}, it is not what was described on the website.',
    'I returned {orderLine} two weeks ago and I\'m still waiting for my money back.',
    'Can I get my money back for {orderLine}? It stopped working after two days.',
    'I want to request a refund on {orderLine} because it arrived broken.',
  ],
  address_change: [
    'I moved recently, so please update the delivery address for {orderLine}.',
    'Could you send {orderLine} to a different address? I entered the wrong one at checkout.',
    'Is it still possible to change where {orderLine} is delivered?',
    'I need to correct the shipping address on {orderLine}.',
    'Please redirect {orderLine} to my new place.',
  ],
  cancel_order: [
    'Please cancel {orderLine}. I ordered it by mistake.',
    'I\'d like to cancel {orderLine} before it ships.',
    'Can you stop {orderLine}? I no longer need it.',
    'I changed my mind about {orderLine} - please cancel it.',
    'Cancel {orderLine} please, I found it cheaper elsewhere.',
  ],
  product_question: [
    'Before ordering more, I have a question about {orderLine}: is it compatible with the older model?',
    'Quick question regarding {orderLine} - does it come with a warranty?',
    'I have {orderLine} and wonder whether spare parts are available.',
    'Regarding {orderLine}: is the material dishwasher safe?',
    'Can you tell me the exact dimensions of the item in {orderLine}?',
  ],
  complaint: [
    'I am really unhappy with how {orderLine} was handled. Nobody answered my last two emails.',
    'This is the third time I\'m writing about {orderLine} and I\'m very disappointed with your service.',
    'The courier left {orderLine} in the rain and was rude when I called. This is unacceptable.',
    'I want to make a formal complaint about {orderLine}. Your hotline hung up on me twice.',
    'Honestly, the experience with {orderLine} has been terrible from start to finish.',
  ],
};

/** How the order is named inside a body. */
export const orderLines: readonly string[] = [
  'my order {orderId} ({quantity} x {product})',
  'order {orderId} with {quantity} x {product} in it',
  'the {quantity} x {product} from order {orderId}',
  'order #{orderId} ({product}, qty {quantity})',
  'my {product} order ({quantity} pcs, ref. {orderId})',
];

/**
 * How a customer says which shipping they chose; only cases with a delivery option (task drift) carry one.
 * Slot-free, and no sentence of one option contains a sentence of the other, so the reader tells them
 * apart by containment. Some name the option, some only describe it, as customers do.
 */
export const deliverySentences: Readonly<Record<DeliveryOption, readonly string[]>> = {
  standard: [
    'I chose standard delivery at checkout.',
    'It was sent with the free standard shipping.',
    'Shipping method: standard.',
    'I did not pay for faster shipping, the normal option was fine.',
    'I picked the cheapest shipping, no rush on my side.',
  ],
  express: [
    'I paid extra for express delivery.',
    'I chose express shipping at checkout.',
    'Shipping method: express.',
    'I paid the surcharge for next-day delivery.',
    'I picked the fastest shipping option because I need it soon.',
  ],
};

export const amountSentences: readonly string[] = [
  'I paid {amount} for it.',
  'The total was {amount}.',
  'It cost me {amount}.',
  'That was {amount} in total.',
  'I was charged {amount} on my statement.',
];

export const ibanSentences: readonly string[] = [
  'Please transfer the money to my account {iban}, not to the card.',
  'My IBAN is {iban} - please refund there.',
  'Refund to bank account {iban} please.',
  'You can send it to IBAN {iban} (my current account).',
  'Bank details for the refund: {iban}, account in my name.',
];

export const addressSentences: readonly string[] = [
  'The new address is: {address}. Thanks!',
  'Please ship it to {address} instead.',
  'New delivery address: {address} (same recipient).',
  'It should go to {address} from now on.',
  'Deliver to {address}, please.',
];

export const cardSentences: readonly string[] = [
  'I paid with my card {card}.',
  'The payment went through on card {card}, if that helps.',
  'It was charged to {card}.',
  'Card used at checkout: {card}.',
  'I used the card {card} for this purchase.',
];

export const apiKeySentences: readonly string[] = [
  'PS: our shop integration uses the key {apiKey} in case you need to check the API logs.',
  'FYI the API key from my developer account is {apiKey} - maybe the order sync failed?',
  'Our ERP connects with {apiKey}, not sure if that matters.',
  'I pasted our token below in case it helps your tech team: {apiKey} (please keep it private).',
  'The integration key we use is {apiKey}. Maybe something is wrong on that side.',
];

export const exportIntroductions: readonly string[] = [
  'Here is the order export from my account page:',
  'I copied this from the order history, maybe it helps:',
  'This is what your system sent me:',
  'Order data (copied from the app):',
  'Pasting the order details below:',
];

export const contactSentencesWithPhone: readonly string[] = [
  'You can reach me at {email} or on {phone}.',
  'My email is {email} and my phone number is {phone}.',
  'Contact: {email} / {phone} (any time).',
  'Best way to reach me: {phone} (or email {email}).',
  'Call me on {phone} or write to {email}.',
];

export const contactSentencesWithoutPhone: readonly string[] = [
  'You can reach me at {email}.',
  'My email is {email}, in case the reply goes elsewhere.',
  'Please reply to {email}.',
  'Contact me at {email} if anything is unclear.',
  'Write back to {email}, please.',
];

export const contactSentencesPhoneOnly: readonly string[] = [
  'You can call me on {phone}.',
  'My number is {phone}.',
  'Please ring me back on {phone}.',
  'Phone: {phone} (evenings are best).',
  'Reach me by phone at {phone}, please.',
];

/** Customers volunteer a birth date "for verification"; the reader never needs it, a redactor must find it. */
export const birthDateSentences: readonly string[] = [
  'For verification, my date of birth is {dateOfBirth}.',
  'Date of birth (for your security check): {dateOfBirth}.',
  'In case you need to verify me: born {dateOfBirth}.',
  'My DOB is {dateOfBirth} if you need it.',
  'I was born on {dateOfBirth}, for the identity check.',
];

export const greetings: readonly string[] = ['Hello,', 'Hi there,', 'Dear {company} team,', 'Good morning,', 'Hi,'];

export const signOffs: readonly string[] = ['Best regards,', 'Kind regards,', 'Thanks,', 'Cheers,', 'Many thanks,'];

/** Chat openers carry the name, since chats have no signature. */
export const chatIntroductions: readonly string[] = [
  'Hi, this is {name}.',
  'Hello, {name} here.',
  'hey - {name} speaking.',
  'Good afternoon, my name is {name}.',
  'Hi! {name} writing.',
];

/** Backstory sentences that add realistic length without carrying intent or values. */
export const fillerSentences: readonly string[] = [
  'I have been a customer for several years and never had a problem before.',
  'I tried the help centre first but could not find an answer.',
  'Sorry for the long message, I just want to make sure everything is clear.',
  'My partner usually handles these things but he is travelling this week.',
  'I am writing from my phone, so apologies for any typos.',
  'Your website was quite slow today, by the way.',
  'I already checked my spam folder.',
  'It was meant to be a birthday present, so timing matters a bit.',
  'I would appreciate a quick answer.',
  'Thanks in advance for your help.',
];

export const threadAcknowledgements: readonly string[] = [
  'Thank you for contacting us. We are looking into this and will get back to you shortly.',
  'Thanks for your message! I have forwarded your request to the responsible team.',
  'We are sorry for the inconvenience. A colleague will review your case today.',
  'Thank you for your patience. Could you give us one more day to check this?',
  'I have noted your request and will update you as soon as I hear back from the warehouse.',
];

export const threadFollowUps: readonly string[] = [
  'Any update on this? It has been {days} days.',
  'I am still waiting for an answer, {days} days now.',
  'Following up again after {days} days. Please reply.',
  'Hello? No news after {days} days.',
  'Just checking in - {days} days have passed since my last message.',
];

/** Slot shapes that stop lazy slots from running across sentences. */
export const customerSlotPatterns: Readonly<Record<string, string>> = {
  orderId: '[A-Z]\\d[A-Z]-\\d{4}-\\d{2}',
  quantity: '\\d+',
  product: '[^\\n]+?',
  amount: '(?:€|EUR )\\d+\\.\\d{2}',
  email: '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}',
  phone: '\\+?[\\d(][\\d ()./-]*\\d',
  iban: '[A-Z]{2}\\d{2}[A-Z0-9 ]*[A-Z0-9]',
  days: '\\d+',
};
