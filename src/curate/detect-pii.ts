import { detectApiKeys } from './detectors/detect-api-keys.ts';
import { detectCardNumbers } from './detectors/detect-card-numbers.ts';
import { detectDatesOfBirth } from './detectors/detect-dates-of-birth.ts';
import { detectEmails } from './detectors/detect-emails.ts';
import { detectIbans } from './detectors/detect-ibans.ts';
import { detectIpAddresses } from './detectors/detect-ip-addresses.ts';
import { detectJwts } from './detectors/detect-jwts.ts';
import { detectNationalIds } from './detectors/detect-national-ids.ts';
import { detectPersonNames } from './detectors/detect-person-names.ts';
import { detectPhones } from './detectors/detect-phones.ts';
import { detectPrivateKeys } from './detectors/detect-private-keys.ts';
import { detectStreetAddresses } from './detectors/detect-street-addresses.ts';
import { detectUrlCredentials } from './detectors/detect-url-credentials.ts';
import { createJsonUnescapedView, hasJsonEscapes, mapToRaw } from './internal/json-unescaped-view.ts';
import { resolveOverlaps } from './internal/resolve-overlaps.ts';
import type { PiiFinding } from './pii-finding.ts';
import { piiKinds, type PiiKind } from './pii-kind.ts';

export interface DetectPiiOptions {
  /** Kinds to report; all when absent. */
  kinds?: readonly PiiKind[];
  /** ISO 3166-1 alpha-2 country tried first for national phone formats (others are tried after it). */
  defaultCountry?: string;
}

type Detector = (text: string, options: DetectPiiOptions) => PiiFinding[];

const detectors: Readonly<Record<PiiKind, Detector>> = {
  person_name: detectPersonNames,
  email: detectEmails,
  phone: (text, options) => detectPhones(text, options.defaultCountry),
  iban: detectIbans,
  card_number: detectCardNumbers,
  street_address: detectStreetAddresses,
  api_key: detectApiKeys,
  date_of_birth: detectDatesOfBirth,
  national_id: detectNationalIds,
  ip_address: detectIpAddresses,
  url_credentials: detectUrlCredentials,
  private_key: detectPrivateKeys,
  jwt: detectJwts,
};

/** At most this many unescaping rounds: tool arguments holding a JSON string that itself holds JSON. */
const maximumUnescapeDepth = 2;

function runDetectors(text: string, kinds: readonly PiiKind[], options: DetectPiiOptions): PiiFinding[] {
  return kinds.flatMap((kind) => detectors[kind](text, options));
}

/**
 * Finds personal data and secrets in one string: message text, a tool call's JSON `arguments`, or any text
 * holding JSON-escaped strings. Detectors run on the string as given and again on its JSON-unescaped form
 * (so `\n` inside an address or `\u00e9` inside a name do not break a match); every finding's offsets are
 * into `text` itself. Overlapping findings are resolved to the surest, most specific one.
 *
 * @example
 * detectPii('{"email":"ana@example.com"}');
 * // [{ kind: 'email', start: 10, end: 25, value: 'ana@example.com', confidence: 0.98, detector: 'email' }]
 */
export function detectPii(text: string, options: DetectPiiOptions = {}): PiiFinding[] {
  const kinds = options.kinds ?? piiKinds;
  const findings = runDetectors(text, kinds, options);
  let current = text;
  let toRaw = (start: number, end: number): { start: number; end: number } => ({ start, end });
  for (let depth = 0; depth < maximumUnescapeDepth && hasJsonEscapes(current); depth += 1) {
    const view = createJsonUnescapedView(current);
    const outer = toRaw;
    toRaw = (start, end) => {
      const mapped = mapToRaw(view, start, end);
      return outer(mapped.start, mapped.end);
    };
    current = view.decoded;
    for (const decodedFinding of runDetectors(current, kinds, options)) {
      const span = toRaw(decodedFinding.start, decodedFinding.end);
      findings.push({ ...decodedFinding, start: span.start, end: span.end, value: text.slice(span.start, span.end), detector: `${decodedFinding.detector}+unescaped` });
    }
  }
  return resolveOverlaps(findings);
}
