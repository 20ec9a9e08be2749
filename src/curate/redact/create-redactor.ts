/**
 * The redactor behind redaction at ingest and at export (contract: ../redactor.ts). Surrogates are derived,
 * not looked up: a keyed HMAC of (scope, kind, normalised real value) seeds the generator, so every process
 * holding the secret key turns the same real value into the same fake in a scope, and nobody without the key
 * can tell which real value a fake came from. An in-memory reverse map per redactor keeps two real values from
 * sharing one fake (the next candidate is probed), and `known` mappings from the store seed it across restarts.
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { detectPii } from '../detect-pii.ts';
import { isKnownFirstName } from '../detectors/first-names.ts';
import { createJsonUnescapedView, hasJsonEscapes } from '../internal/json-unescaped-view.ts';
import type { PiiFinding } from '../pii-finding.ts';
import { secretKinds, type PiiKind } from '../pii-kind.ts';
import type { KnownPseudonym, PseudonymMapping, RedactionMode, RedactionStats, Redactor } from '../redactor.ts';
import { createKeyedRandom, deriveRedactionKeys, keyedDigest, type KeyedRandom } from './keyed-random.ts';
import { mapCallStrings } from './internal/map-call-strings.ts';
import { fakeFirstNames, fakeLastNames } from './internal/fake-names.ts';
import { surrogateCardNumber, surrogateIban, surrogateIpAddress, surrogateNationalId, surrogatePhone } from './internal/surrogate-numbers.ts';
import { canonicalDate, matchCase, surrogateDateOfBirth, surrogateEmail, surrogateStreetAddress } from './internal/surrogate-text.ts';

export interface RedactorOptions {
  /** `surrogate` (default) or `placeholder`. Secrets become placeholders in both. */
  mode?: RedactionMode;
  /** Consistency scope: the same real value gets the same replacement within a scope, a different one across. */
  scope: string;
  /** 32 bytes (see `loadOrCreateSecretKey`). */
  secretKey: Uint8Array;
  /** Kinds to redact; all when absent. */
  kinds?: readonly PiiKind[];
  /** ISO 3166-1 alpha-2 country tried first for national phone formats. */
  defaultCountry?: string;
  /** Mappings the scope already has (from the pseudonym vault), so numbering and probing continue as before. */
  known?: Iterable<KnownPseudonym>;
}

/** Placeholder labels: `<PERSON_7>`, `<EMAIL_3>`, `<API_KEY_1>`. */
const placeholderLabels: Readonly<Record<PiiKind, string>> = {
  person_name: 'PERSON', email: 'EMAIL', phone: 'PHONE', iban: 'IBAN', card_number: 'CARD_NUMBER', street_address: 'ADDRESS',
  api_key: 'API_KEY', date_of_birth: 'DATE_OF_BIRTH', national_id: 'NATIONAL_ID', ip_address: 'IP_ADDRESS',
  url_credentials: 'URL_CREDENTIALS', private_key: 'PRIVATE_KEY', jwt: 'JWT',
};
const placeholderPattern = /^<([A-Z_]+)_(\d+)>$/;

/** Probes per value before a collision with another value's surrogate is accepted (pools are finite). */
const maximumAttempts = 48;
/** How many JSON escaping levels a finding's raw text may sit under (as `detectPii` decodes). */
const maximumEscapeDepth = 2;

const isSecret = (kind: PiiKind) => secretKinds.includes(kind);

/** The form two spellings of one real value share, so they map to one surrogate. */
function normalise(kind: PiiKind | 'name_token', value: string): string {
  switch (kind) {
    case 'email': case 'ip_address': return value.toLowerCase();
    case 'phone': return value.replace(/[^\d+]/g, '');
    case 'card_number': case 'iban': case 'national_id': return value.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    case 'street_address': return value.toLowerCase().replace(/[\s,]+/g, ' ').trim();
    // One date written two ways is two values (each keeps its format) sharing one shift: see `seedFor`.
    case 'date_of_birth': return `${canonicalDate(value) ?? value}|${value.replace(/\d/g, '#').replace(/\p{L}+/gu, 'a')}`;
    case 'person_name': case 'name_token': return value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
    default: return value;
  }
}

/** What seeds a value's surrogate: its normalised form, except that a date's format is left out. */
function seedFor(kind: PiiKind, value: string, normalised: string): string {
  return kind === 'date_of_birth' ? (canonicalDate(value) ?? value) : normalised;
}

/** Decodes JSON string escapes a finding's raw text sits under and says how many levels there were. */
function decodeSpan(raw: string): { decoded: string; depth: number } {
  let decoded = raw;
  let depth = 0;
  while (depth < maximumEscapeDepth && hasJsonEscapes(decoded)) {
    decoded = createJsonUnescapedView(decoded).decoded;
    depth += 1;
  }
  return { decoded, depth };
}

function encodeSpan(value: string, depth: number): string {
  let encoded = value;
  for (let level = 0; level < depth; level += 1) encoded = JSON.stringify(encoded).slice(1, -1);
  return encoded;
}

function parsesAsJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Echoes shorter than this are too likely to be ordinary words or numbers. */
const minimumEchoLength = 4;

/** Values found anywhere in a set of strings (decoded), and the tokens of person names, by kind. */
function collectEchoes(scanned: ReadonlyArray<{ text: string; findings: readonly PiiFinding[] }>): Map<string, PiiKind> {
  const echoes = new Map<string, PiiKind>();
  for (const { findings } of scanned) {
    for (const finding of findings) {
      const { decoded } = decodeSpan(finding.value);
      if (decoded.length >= minimumEchoLength) echoes.set(decoded, finding.kind);
      if (finding.kind === 'person_name') {
        for (const token of decoded.match(/\p{Lu}[\p{L}'’-]*\p{Ll}/gu) ?? []) if (token.length >= minimumEchoLength && !echoes.has(token)) echoes.set(token, 'person_name');
      }
    }
  }
  return echoes;
}

const wordCharacter = /[\p{L}\p{N}]/u;

/** `detected` plus every other whole-word occurrence of an echoed value (as written or JSON-escaped). */
function addEchoes(text: string, detected: readonly PiiFinding[], echoes: ReadonlyMap<string, PiiKind>): PiiFinding[] {
  if (echoes.size === 0) return [...detected];
  const findings = [...detected];
  const overlapsAny = (start: number, end: number) => findings.some((finding) => start < finding.end && finding.start < end);
  // Longest first, so a full name is taken before its tokens.
  for (const [value, kind] of [...echoes].sort((left, right) => right[0].length - left[0].length)) {
    const escaped = JSON.stringify(value).slice(1, -1);
    for (const form of escaped === value ? [value] : [value, escaped]) {
      for (let start = text.indexOf(form); start !== -1; start = text.indexOf(form, start + 1)) {
        const end = start + form.length;
        if (wordCharacter.test(text[start - 1] ?? '') || wordCharacter.test(text[end] ?? '') || overlapsAny(start, end)) continue;
        findings.push({ kind, start, end, value: form, confidence: 0.5, detector: 'echo' });
      }
    }
  }
  return findings.sort((left, right) => left.start - right.start);
}

/**
 * Creates a redactor for one scope.
 *
 * @example
 * const redactor = createRedactor({ scope: 'project-1', secretKey: await loadOrCreateSecretKey(dataDir) });
 * redactor.redactText('Reach Daniel Girard at daniel.girard@gmail.com');
 * // 'Reach Amara Lindqvist at amara.lindqvist@gmail.com' (the same every time for this key and scope)
 */
export function createRedactor(options: RedactorOptions): Redactor {
  if (options.secretKey.length !== 32) throw new UnderstudyError('config_invalid', `The redaction secret key must be 32 bytes, got ${options.secretKey.length}`);
  const mode = options.mode ?? 'surrogate';
  const { scope } = options;
  const keys = deriveRedactionKeys(options.secretKey);
  const detectOptions = { kinds: options.kinds, defaultCountry: options.defaultCountry };

  /** `kind \0 normalised` → replacement, for values seen by this redactor. */
  const replacements = new Map<string, string>();
  /** Digest → replacement, from `known`. */
  const knownByDigest = new Map<string, string>();
  /** `kind \0 normalised replacement`: replacements taken, so no two real values share one. */
  const taken = new Set<string>();
  const placeholderCounters = new Map<string, number>();
  const newMappings: PseudonymMapping[] = [];
  const distinct = new Map<PiiKind, Set<string>>();
  const stats: RedactionStats = { stringsScanned: 0, bytesScanned: 0, replacedByKind: {}, distinctByKind: {} };

  for (const entry of options.known ?? []) {
    knownByDigest.set(entry.digest, entry.surrogate);
    const placeholder = placeholderPattern.exec(entry.surrogate);
    if (placeholder !== null) {
      const label = placeholder[1]!;
      placeholderCounters.set(label, Math.max(placeholderCounters.get(label) ?? 0, Number(placeholder[2])));
    }
    taken.add(`${entry.kind}\u0000${entry.surrogate.toLowerCase()}`);
  }

  /** The replacement of one real value, derived once and remembered; records a new mapping when it is new. */
  function replacementFor(
    kind: PiiKind,
    real: string,
    normalised: string,
    tag: 'surrogate' | 'placeholder' | 'secret',
    generate: (random: KeyedRandom, attempt: number) => string,
    seed: string = normalised,
  ): string {
    const cacheKey = `${kind}\u0000${tag}\u0000${normalised}`;
    const cached = replacements.get(cacheKey);
    if (cached !== undefined) return cached;
    const digest = keyedDigest(keys.lookup, [scope, tag, kind, normalised]).toString('base64url');
    let replacement = knownByDigest.get(digest);
    if (replacement === undefined) {
      let fallback: string | undefined;
      for (let attempt = 0; attempt < maximumAttempts && replacement === undefined; attempt += 1) {
        const candidate = generate(createKeyedRandom(keys.surrogate, [scope, tag, kind, seed, String(attempt)]), attempt);
        const candidateNormalised = normalise(kind, candidate);
        if (candidate === real || candidateNormalised === normalised) continue;
        fallback ??= candidate;
        if (!taken.has(`${kind}\u0000${candidate.toLowerCase()}`)) replacement = candidate;
      }
      // Every probe collided: a scope with more distinct values than a pool holds. Never the real value, though.
      replacement ??= fallback ?? `<${placeholderLabels[kind]}>`;
      newMappings.push({ kind, digest, surrogate: replacement, real: tag === 'secret' ? null : real });
    }
    taken.add(`${kind}\u0000${replacement.toLowerCase()}`);
    replacements.set(cacheKey, replacement);
    return replacement;
  }

  function placeholderFor(kind: PiiKind, real: string): string {
    const tag = isSecret(kind) ? 'secret' : 'placeholder';
    return replacementFor(kind, real, normalise(kind, real), tag, () => {
      const label = placeholderLabels[kind];
      const next = (placeholderCounters.get(label) ?? 0) + 1;
      placeholderCounters.set(label, next);
      return `<${label}_${next}>`;
    });
  }

  /** One name token: a given name for a known given name, a family name otherwise; double-barrelled once a pool runs short. */
  function nameTokenSurrogate(token: string): string {
    const givenName = isKnownFirstName(token);
    return replacementFor('person_name', token, normalise('name_token', token), 'surrogate', (random, attempt) => {
      const pool = givenName ? fakeFirstNames : fakeLastNames;
      const word = attempt < 8 ? random.pick(pool) : `${random.pick(pool)}-${random.pick(pool)}`;
      return matchCase(token, word);
    });
  }

  function personNameSurrogate(real: string): string {
    // Capitalised words are name tokens (hyphenated parts one by one); particles such as "van der" stay.
    return real.replace(/\p{Lu}[\p{L}'’]*/gu, (token) => nameTokenSurrogate(token));
  }

  function surrogateFor(kind: PiiKind, real: string): string {
    if (kind === 'person_name') return personNameSurrogate(real);
    const generate = (random: KeyedRandom): string => {
      switch (kind) {
        case 'email': return surrogateEmail(real, random, nameTokenSurrogate);
        case 'phone': return surrogatePhone(real, random, options.defaultCountry);
        case 'card_number': return surrogateCardNumber(real, random);
        case 'iban': return surrogateIban(real, random);
        case 'street_address': return surrogateStreetAddress(real, random);
        case 'date_of_birth': return surrogateDateOfBirth(real, random);
        case 'national_id': return surrogateNationalId(real, random);
        case 'ip_address': return surrogateIpAddress(real, random);
        default: return `<${placeholderLabels[kind]}>`;
      }
    };
    const normalised = normalise(kind, real);
    return replacementFor(kind, real, normalised, 'surrogate', generate, seedFor(kind, real, normalised));
  }

  function replaceValue(kind: PiiKind, real: string): string {
    let seen = distinct.get(kind);
    if (seen === undefined) distinct.set(kind, (seen = new Set()));
    seen.add(normalise(kind, real));
    stats.replacedByKind[kind] = (stats.replacedByKind[kind] ?? 0) + 1;
    if (mode === 'placeholder' || isSecret(kind)) return placeholderFor(kind, real);
    return surrogateFor(kind, real);
  }

  function replaceFindings(text: string, findings: readonly PiiFinding[]): string {
    let result = '';
    let position = 0;
    for (const finding of findings) {
      const { decoded, depth } = decodeSpan(text.slice(finding.start, finding.end));
      result += text.slice(position, finding.start) + encodeSpan(replaceValue(finding.kind, decoded), depth);
      position = finding.end;
    }
    return result + text.slice(position);
  }

  /** JSON whose every string leaf is redacted on its own: the fallback when span replacement broke the JSON. */
  function redactJsonLeaves(value: unknown): unknown {
    if (typeof value === 'string') return replaceFindings(value, detectPii(value, detectOptions));
    if (Array.isArray(value)) return value.map(redactJsonLeaves);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, redactJsonLeaves(entry)]));
    return value;
  }

  function scan(text: string): PiiFinding[] {
    stats.stringsScanned += 1;
    stats.bytesScanned += Buffer.byteLength(text);
    return detectPii(text, detectOptions);
  }

  function apply(text: string, detected: readonly PiiFinding[], echoes: ReadonlyMap<string, PiiKind>): string {
    const findings = addEchoes(text, detected, echoes);
    if (findings.length === 0) return text;
    const redacted = replaceFindings(text, findings);
    const before = parsesAsJson(text);
    if (before.ok && !parsesAsJson(redacted).ok) return JSON.stringify(redactJsonLeaves(before.value));
    return redacted;
  }

  function redactText(text: string): string {
    const findings = scan(text);
    return apply(text, findings, collectEchoes([{ text, findings }]));
  }

  function redactCall(record: CallRecord): CallRecord {
    // Two passes: detect in every string first, then replace, so a value found in one string (a tool
    // argument's "name" key) is also replaced where the detectors missed it (the prose that repeats it).
    const scanned: Array<{ text: string; findings: PiiFinding[] }> = [];
    mapCallStrings(record, (text) => {
      scanned.push({ text, findings: scan(text) });
      return text;
    });
    const echoes = collectEchoes(scanned);
    let index = 0;
    return mapCallStrings(record, (text) => {
      const entry = scanned[index++];
      return apply(text, entry?.text === text ? entry.findings : detectPii(text, detectOptions), echoes);
    });
  }

  return {
    mode,
    scope,
    redactText,
    redactCall,
    stats() {
      const distinctByKind: Partial<Record<PiiKind, number>> = {};
      for (const [kind, values] of distinct) distinctByKind[kind] = values.size;
      return { ...stats, replacedByKind: { ...stats.replacedByKind }, distinctByKind };
    },
    takeNewMappings() {
      return newMappings.splice(0, newMappings.length);
    },
  };
}
