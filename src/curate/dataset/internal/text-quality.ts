/**
 * Whether text is fit to train on. Logged calls can carry mis-decoded bytes (U+FFFD where a non-UTF-8
 * byte was), lone UTF-16 surrogates (JavaScript strings cut mid-character) or binary junk (NUL and other
 * control characters from a file read as text). A specialist trained on such text learns to emit it.
 */

export type TextQualityVerdict = 'ok' | 'non_utf8' | 'binary_junk';

export interface TextQualityOptions {
  /** Share of U+FFFD characters from which text counts as mis-decoded (default 0.01). */
  maxReplacementShare?: number;
  /** Share of control characters (other than tab, newline, carriage return) that counts as binary (default 0.01). */
  maxControlShare?: number;
}

/** Judges the concatenation of a call's strings; one NUL or one lone surrogate is enough to reject. */
export function judgeTextQuality(texts: readonly string[], options: TextQualityOptions = {}): TextQualityVerdict {
  const maxReplacementShare = options.maxReplacementShare ?? 0.01;
  const maxControlShare = options.maxControlShare ?? 0.01;
  let length = 0;
  let replacements = 0;
  let controls = 0;
  for (const text of texts) {
    length += text.length;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (code === 0xfffd) replacements += 1;
      else if (code === 0) return 'binary_junk';
      else if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f)) controls += 1;
      else if (code >= 0xd800 && code <= 0xdbff) {
        const next = text.charCodeAt(index + 1);
        if (!(next >= 0xdc00 && next <= 0xdfff)) return 'non_utf8';
        index += 1;
      } else if (code >= 0xdc00 && code <= 0xdfff) return 'non_utf8';
    }
  }
  if (length === 0) return 'ok';
  if (replacements > 0 && replacements / length >= maxReplacementShare) return 'non_utf8';
  if (controls > 0 && controls / length >= maxControlShare) return 'binary_junk';
  return 'ok';
}
