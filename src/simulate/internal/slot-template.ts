/**
 * Phrasing templates with `{slot}` placeholders, read both ways: the agent fills them, the teacher matches
 * the rendered text back with a regular expression built from the same template. Keeping both directions
 * in one place is what lets the scripted teacher "read the prompt" without any side channel.
 */

const slotPattern = /\{([a-zA-Z]+)\}/g;

/** Fills every `{slot}`; a missing value is a bug in the generator, so it throws. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(slotPattern, (_whole, slot: string) => {
    const value = values[slot];
    if (value === undefined) throw new Error(`template slot {${slot}} has no value: ${template}`);
    return value;
  });
}

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Templates are module constants, so their patterns are compiled once (no `g` flag: no shared state). */
const patternCache = new Map<Readonly<Record<string, string>>, Map<string, RegExp>>();
const noSlotPatterns: Readonly<Record<string, string>> = {};

/** A slot with no shape of its own matches lazily within one line. */
const defaultSlotPattern = '[^\\n]+?';

/**
 * A regular expression matching the template anywhere in a text, one named group per slot. Slots take
 * their shape from `slotPatterns` (default: lazy, within one line), so each lazy slot must be followed by
 * fixed text; a repeated slot must repeat the same value.
 */
export function templatePattern(
  template: string,
  slotPatterns: Readonly<Record<string, string>> = noSlotPatterns,
): RegExp {
  let cache = patternCache.get(slotPatterns);
  if (!cache) {
    cache = new Map();
    patternCache.set(slotPatterns, cache);
  }
  const cached = cache.get(template);
  if (cached) return cached;
  const seen = new Set<string>();
  let source = '';
  let last = 0;
  for (const match of template.matchAll(slotPattern)) {
    source += escapeForPattern(template.slice(last, match.index));
    const slot = match[1]!;
    source += seen.has(slot) ? `\\k<${slot}>` : `(?<${slot}>${slotPatterns[slot] ?? defaultSlotPattern})`;
    seen.add(slot);
    last = match.index + match[0].length;
  }
  source += escapeForPattern(template.slice(last));
  const pattern = new RegExp(source);
  cache.set(template, pattern);
  return pattern;
}

/** The slot values of the first template (in order) that matches the text, or undefined. */
export function matchTemplates(
  templates: readonly string[],
  text: string,
  slotPatterns: Readonly<Record<string, string>> = noSlotPatterns,
): { index: number; slots: Record<string, string> } | undefined {
  for (const [index, template] of templates.entries()) {
    const match = templatePattern(template, slotPatterns).exec(text);
    if (match) return { index, slots: { ...match.groups } };
  }
  return undefined;
}

/** Replaces one slot and leaves the others, to compose a template from parts (a body and its order line). */
export function substituteSlot(template: string, slot: string, replacement: string): string {
  return template.replaceAll(`{${slot}}`, replacement);
}
