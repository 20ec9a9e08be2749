import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

/** Vendor key formats with a fixed prefix; the body length floors keep prose like "sk-learn" out. */
const knownKeyPatterns: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'anthropic', pattern: /sk-ant-[A-Za-z0-9]{2,8}-[A-Za-z0-9_-]{32,}/g },
  { name: 'openai_project', pattern: /sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{32,}/g },
  { name: 'openai', pattern: /sk-[A-Za-z0-9]{32,}/g },
  { name: 'github', pattern: /(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/g },
  { name: 'github_fine_grained', pattern: /github_pat_[A-Za-z0-9_]{40,}/g },
  { name: 'aws_access_key', pattern: /(?:AKIA|ASIA)[A-Z2-7]{16}/g },
  { name: 'stripe', pattern: /(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { name: 'slack', pattern: /xox[abprs]-[A-Za-z0-9-]{10,}/g },
  { name: 'google', pattern: /AIza[A-Za-z0-9_-]{35}/g },
  { name: 'hugging_face', pattern: /hf_[A-Za-z0-9]{30,}/g },
  { name: 'gitlab', pattern: /glpat-[A-Za-z0-9_-]{20,}/g },
];

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const probability = count / value.length;
    entropy -= probability * Math.log2(probability);
  }
  return entropy;
}

/**
 * Fallback for keys without a known prefix: a token of at least 32 key characters that mixes upper case,
 * lower case and digits with entropy ≥ 4.2 bits/char. Hex digests (≤ 4 bits/char, one case) and UUIDs fail it;
 * random base62/base64 tokens of that length sit around 4.5–5.
 */
export const entropyThreshold = 4.2;
const tokenPattern = /(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_+/=-]{32,512}(?![A-Za-z0-9_+/=-])/g;

/** API keys and access tokens: known vendor prefixes first, then high-entropy tokens at lower confidence. */
export function detectApiKeys(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const { name, pattern } of knownKeyPatterns) {
    for (const match of text.matchAll(pattern)) {
      const before = text[match.index - 1] ?? '';
      if (/[A-Za-z0-9_]/.test(before)) continue;
      let end = match.index + match[0].length;
      while (end < text.length && /[A-Za-z0-9_-]/.test(text[end] ?? '')) end += 1;
      findings.push(createFinding(text, 'api_key', match.index, end, 0.97, `api_key:${name}`));
    }
  }
  for (const match of text.matchAll(tokenPattern)) {
    const token = match[0];
    if (!/[a-z]/.test(token) || !/[A-Z]/.test(token) || !/\d/.test(token)) continue;
    if (token.startsWith('eyJ') || shannonEntropy(token) < entropyThreshold) continue;
    findings.push(createFinding(text, 'api_key', match.index, match.index + token.length, 0.6, 'api_key:entropy'));
  }
  return findings;
}
