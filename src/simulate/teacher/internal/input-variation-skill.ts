/**
 * The teacher's answer to Understudy's own "write one new input like these" request (`dataset augment`, prompt in
 * `src/curate/dataset/internal/variation-prompt.ts`), recognised by its wording as a model would read it. Like a
 * model asked for a variation, it takes one of the shown inputs and writes it again with other values: person
 * names (found where people write them: headers, introductions, signatures, JSON `name` fields), emails, IBANs,
 * dates, amounts, phone numbers, ids and numbers, and cities — fresh ones from the simulator's world generators
 * and training value pools. The wording stays, so the task skills read the new input as they read the old one and
 * the augmented target is right. Drawn from the request's `Random`: the same request, the same variation.
 */
import type { ChatCompletionRequest } from '../../../contracts/chat-completion.ts';
import type { Random } from '../../random.ts';
import type { TaskSkill, TeacherReply } from '../../simulated-task.ts';
import { dateOfBirth, emailAddress, iban, personName, phoneNumber, valuePools } from '../../world/index.ts';

export const inputVariationTask = 'understudy/vary-input';

const inputPattern = /<input>\n([\s\S]*?)\n<\/input>/g;
const requestSentence = /Write ONE new input of the same kind/;

const nameWords = String.raw`\p{Lu}[\p{L}'’-]+(?: \p{Lu}[\p{L}'’-]+){1,2}`;
/** Where people write a full name: each pattern's first group is the name. */
const namePatterns: readonly RegExp[] = [
  new RegExp(String.raw`^From: (${nameWords})`, 'gmu'),
  new RegExp(String.raw`\b(?:[Tt]his is|[Mm]y name is|I'm|I am) (${nameWords})`, 'gu'),
  new RegExp(String.raw`(${nameWords}) (?:here|speaking|writing)\b`, 'gu'),
  // A signature: a line of its own right under a sign-off line that ends with a comma.
  new RegExp(String.raw`,\n(${nameWords})$`, 'gmu'),
  new RegExp(String.raw`"name": ?"(${nameWords})"`, 'gu'),
];
const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const ibanPattern = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;
const isoDatePattern = /\b(?:19|20)\d{2}-[01]\d-[0-3]\d\b/g;
const writtenDatePattern = /\b[0-3]\d([/.])[01]\d\1(?:19|20)\d{2}\b/g;
const amountPattern = /(€|EUR |\$|USD |£|GBP )\d{1,5}(?:[.,]\d{2})?/g;
const phonePattern = /(?<![\w+])\+?[\d(][\d ()./-]{6,}\d(?!\w)/g;
const idPattern = /\b[A-Za-z0-9]*\d[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\b/g;

/** A rewrite of one text in which every replaced span is masked, so a later pattern cannot match inside it. */
class ValueRewriter {
  private masked: string;
  private readonly claims: Array<{ start: number; end: number; replacement: string }> = [];

  constructor(private readonly text: string) {
    this.masked = text;
  }

  /** Replaces every match of `pattern` in the unclaimed text by `replace(match)` (null leaves it). */
  replaceMatches(pattern: RegExp, replace: (value: string, match: RegExpExecArray) => string | null): void {
    // Matched against the masked text: a claimed span is NULs, which no pattern matches.
    for (const match of [...this.masked.matchAll(pattern)]) {
      const replacement = replace(match[0], match);
      if (replacement !== null) this.claim(match.index, match[0].length, replacement);
    }
  }

  /** Replaces every unclaimed occurrence of `value` that stands as a word of its own. */
  replaceAll(value: string, replacement: string): void {
    for (let start = this.masked.indexOf(value); start >= 0; start = this.masked.indexOf(value, start + value.length)) {
      const before = this.masked[start - 1] ?? ' ';
      const after = this.masked[start + value.length] ?? ' ';
      if (/[\p{L}\p{N}]/u.test(before) || /[\p{L}\p{N}]/u.test(after)) continue;
      this.claim(start, value.length, replacement);
    }
  }

  result(): string {
    let output = '';
    let position = 0;
    for (const claim of [...this.claims].sort((left, right) => left.start - right.start)) {
      output += this.text.slice(position, claim.start) + claim.replacement;
      position = claim.end;
    }
    return output + this.text.slice(position);
  }

  private claim(start: number, length: number, replacement: string): void {
    this.claims.push({ start, end: start + length, replacement });
    this.masked = this.masked.slice(0, start) + '\u0000'.repeat(length) + this.masked.slice(start + length);
  }
}

/** `value` with each digit and capital letter redrawn, separators and small letters kept: same shape, new id. */
function redrawCharacters(value: string, random: Random): string {
  return [...value]
    .map((character, index) => {
      if (/\d/.test(character)) return random.string(1, index === 0 && character !== '0' ? '123456789' : '0123456789');
      if (/[A-Z]/.test(character)) return random.string(1, 'ABCDEFGHJKLMNPQRSTUVWXYZ');
      return character;
    })
    .join('');
}

/** The same text with other values; values found nowhere leave it as it was. */
export function varyInputValues(text: string, random: Random): string {
  const rewriter = new ValueRewriter(text);
  const newNames = new Map<string, string>();
  for (const pattern of namePatterns) {
    for (const match of text.matchAll(pattern)) {
      const name = match[1]!;
      if (!newNames.has(name)) newNames.set(name, personName(random, 'train'));
    }
  }
  for (const [name, replacement] of [...newNames].sort((left, right) => right[0].length - left[0].length)) rewriter.replaceAll(name, replacement);
  const firstNewName = [...newNames.values()][0];
  const newEmails = new Map<string, string>();
  rewriter.replaceMatches(emailPattern, (email) => {
    if (!newEmails.has(email)) newEmails.set(email, emailAddress(random, 'train', firstNewName));
    return newEmails.get(email)!;
  });
  rewriter.replaceMatches(ibanPattern, (value) => {
    const drawn = iban(random).value;
    return value.includes(' ') ? drawn : drawn.replace(/ /g, '');
  });
  rewriter.replaceMatches(isoDatePattern, (value) => {
    // Near the old year: a birth date stays a birth date, an order date a recent one.
    const year = Number(value.slice(0, 4)) + random.int(-2, 2);
    return `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
  });
  rewriter.replaceMatches(writtenDatePattern, (value, match) => {
    const separator = match[1]!;
    const drawn = dateOfBirth(random);
    const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(drawn);
    return parts ? `${parts[3]}${separator}${parts[2]}${separator}${parts[1]}` : redrawCharacters(value, random);
  });
  rewriter.replaceMatches(amountPattern, (value, match) => {
    const prefix = match[1]!;
    const decimals = /[.,]\d{2}$/.exec(value);
    const whole = random.int(5, 499);
    return decimals ? `${prefix}${whole}${decimals[0][0]}${String(random.int(0, 99)).padStart(2, '0')}` : `${prefix}${whole}`;
  });
  rewriter.replaceMatches(phonePattern, (value) => ((value.match(/\d/g) ?? []).length >= 8 ? phoneNumber(random).value : null));
  const newIds = new Map<string, string>();
  rewriter.replaceMatches(idPattern, (value) => {
    if ((value.match(/\d/g) ?? []).length < 2) return null;
    if (!newIds.has(value)) newIds.set(value, redrawCharacters(value, random));
    return newIds.get(value)!;
  });
  const pools = valuePools('train');
  const knownCities = [...new Set([...pools.cities, ...valuePools('eval').cities].map((entry) => entry.city))].sort((left, right) => right.length - left.length);
  for (const city of knownCities) {
    if (text.includes(city)) rewriter.replaceAll(city, random.pick(pools.cities).city);
  }
  return rewriter.result();
}

function lastUserText(request: ChatCompletionRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index]!;
    if (message.role === 'user') return typeof message.content === 'string' ? message.content : '';
  }
  return '';
}

function respond(request: ChatCompletionRequest, random: Random): TeacherReply {
  const inputs = [...lastUserText(request).matchAll(inputPattern)].map((match) => match[1]!);
  if (inputs.length === 0) return { kind: 'content', content: '' };
  const base = random.fork('pick').pick(inputs);
  return { kind: 'content', content: varyInputValues(base, random.fork('values')) };
}

/**
 * Not one agent's task, so no `agent`: every teacher has it (`answer-as-teacher.ts`), whatever agents it serves.
 * Open-ended: a variation has no wrong version, so the teacher's error rate never touches it.
 */
export const inputVariationSkill: Omit<TaskSkill, 'agent'> = {
  task: inputVariationTask,
  openEnded: true,
  recognise: (request) =>
    (request.tools === undefined || request.tools.length === 0) &&
    request.response_format === undefined &&
    requestSentence.test(lastUserText(request)) &&
    lastUserText(request).includes('<input>'),
  respond,
  respondWrongly: respond,
};
