/**
 * Requests as raw bytes (latin1 strings): malformed HTTP/1.1 framing — a Content-Length smaller or larger than
 * the body or not a number, two Content-Lengths, Content-Length beside chunked encoding, malformed chunks,
 * unknown transfer codings, duplicate, folded, bare-LF and oversized header lines, odd request lines.
 * A well-behaved server answers 4xx or closes the connection; it never answers 5xx, hangs or dies.
 */
import fc from 'fast-check';

type FuzzRawRequest = { transport: 'raw'; bytes: string };

type Framing =
  | { kind: 'content-length'; delta: number }
  | { kind: 'content-length-text'; value: string }
  | { kind: 'two-content-lengths'; delta: number }
  | { kind: 'content-length-and-chunked' }
  | { kind: 'chunked'; damage: 'none' | 'bad-size' | 'no-crlf' | 'huge-size' | 'no-terminator' | 'negative' | 'extension' | 'trailer' | 'lf-only' }
  | { kind: 'transfer-encoding'; value: string }
  | { kind: 'none' };

const framingKindArb: fc.Arbitrary<Framing> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -200, max: 200 }).map<Framing>((delta) => ({ kind: 'content-length', delta })) },
  fc.constantFrom('-1', 'abc', '1e3', ' 5', '0x10', '99999999999999999999', '', '5, 5', '+5', '5.0').map<Framing>((value) => ({ kind: 'content-length-text', value })),
  fc.integer({ min: -20, max: 20 }).map<Framing>((delta) => ({ kind: 'two-content-lengths', delta })),
  fc.constant<Framing>({ kind: 'content-length-and-chunked' }),
  fc.constantFrom('none', 'bad-size', 'no-crlf', 'huge-size', 'no-terminator', 'negative', 'extension', 'trailer', 'lf-only').map<Framing>((damage) => ({ kind: 'chunked', damage }) as Framing),
  fc.constantFrom('gzip', 'chunked, gzip', 'gzip, chunked', 'identity', 'xchunked', ' chunked', 'chunked, chunked').map<Framing>((value) => ({ kind: 'transfer-encoding', value })),
  fc.constant<Framing>({ kind: 'none' }),
);

type HeaderDamage = 'duplicate-authorization' | 'long-header' | 'obs-fold' | 'bare-lf' | 'no-colon' | 'space-before-colon' | 'high-bytes' | 'gzip-claim' | 'nul-byte' | 'many-headers' | 'no-host';

const headerDamageArb = fc.constantFrom<HeaderDamage>('duplicate-authorization', 'long-header', 'obs-fold', 'bare-lf', 'no-colon', 'space-before-colon', 'high-bytes', 'gzip-claim', 'nul-byte', 'many-headers', 'no-host');

function chunked(body: string, damage: Extract<Framing, { kind: 'chunked' }>['damage']): string {
  const half = Math.floor(body.length / 2);
  const parts = [body.slice(0, half), body.slice(half)].filter((part) => part.length > 0);
  const size = (part: string) => Buffer.byteLength(part, 'latin1').toString(16);
  switch (damage) {
    case 'none':
      return `${parts.map((part) => `${size(part)}\r\n${part}\r\n`).join('')}0\r\n\r\n`;
    case 'bad-size':
      return `zz\r\n${body}\r\n0\r\n\r\n`;
    case 'no-crlf':
      return `${size(body)}\r\n${body}0\r\n\r\n`;
    case 'huge-size':
      return `fffffffffffffff\r\n${body}\r\n0\r\n\r\n`;
    case 'no-terminator':
      return `${size(body)}\r\n${body}\r\n`;
    case 'negative':
      return `-5\r\n${body}\r\n0\r\n\r\n`;
    case 'extension':
      return `${size(body)};name=value\r\n${body}\r\n0\r\n\r\n`;
    case 'trailer':
      return `${size(body)}\r\n${body}\r\n0\r\nX-Trailer: 1\r\n\r\n`;
    case 'lf-only':
      return `${size(body)}\n${body}\n0\n\n`;
  }
}

function damageHeaders(lines: string[], damage: HeaderDamage): string[] {
  switch (damage) {
    case 'duplicate-authorization':
      return [...lines, 'Authorization: Bearer someone-else'];
    case 'long-header':
      return [...lines, `X-Long: ${'a'.repeat(20_000)}`];
    case 'obs-fold':
      return [...lines, 'X-Folded: first', ' second'];
    case 'bare-lf':
      return [...lines, 'X-Bare: 1\nX-After: 2'];
    case 'no-colon':
      return [...lines, 'NoColonHere'];
    case 'space-before-colon':
      return [...lines, 'X-Space : 1'];
    case 'high-bytes':
      return [...lines, 'X-High: \u00ff\u00fe\u0080'];
    case 'gzip-claim':
      return [...lines, 'Content-Encoding: gzip'];
    case 'nul-byte':
      return [...lines, 'X-Nul: a\u0000b'];
    case 'many-headers':
      return [...lines, ...Array.from({ length: 300 }, (_unused, index) => `X-H${index}: ${index}`)];
    case 'no-host':
      return lines.filter((line) => !line.startsWith('Host:'));
  }
}

const postTargets = ['/v1/chat/completions', '/v1/embeddings', '/v1/understudy/ingest', '/admin/keys'] as const;

/** A POST with valid-ish JSON to one of the POST routes, framed wrongly. */
export function framingArb(apiKey: string, adminToken: string, bodyArb: fc.Arbitrary<string>): fc.Arbitrary<FuzzRawRequest> {
  return fc
    .record({
      target: fc.constantFrom(...postTargets),
      body: bodyArb,
      framing: framingKindArb,
      damages: fc.oneof({ weight: 3, arbitrary: fc.constant<HeaderDamage[]>([]) }, { weight: 2, arbitrary: fc.array(headerDamageArb, { minLength: 1, maxLength: 2 }) }),
      version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'http/1.1'),
      keepAlive: fc.boolean(),
    })
    .map(({ target, body, framing, damages, version, keepAlive }) => {
      const latin1Body = Buffer.from(body, 'utf8').toString('latin1');
      const length = latin1Body.length;
      const secret = target.startsWith('/admin') ? adminToken : apiKey;
      let lines = ['Host: 127.0.0.1', `Authorization: Bearer ${secret}`, 'Content-Type: application/json'];
      if (!keepAlive) lines.push('Connection: close');
      let payload = latin1Body;
      switch (framing.kind) {
        case 'content-length':
          lines.push(`Content-Length: ${Math.max(0, length + framing.delta)}`);
          break;
        case 'content-length-text':
          lines.push(`Content-Length: ${framing.value}`);
          break;
        case 'two-content-lengths':
          lines.push(`Content-Length: ${length}`, `Content-Length: ${Math.max(0, length + framing.delta)}`);
          break;
        case 'content-length-and-chunked':
          lines.push(`Content-Length: ${length}`, 'Transfer-Encoding: chunked');
          payload = chunked(latin1Body, 'none');
          break;
        case 'chunked':
          lines.push('Transfer-Encoding: chunked');
          payload = chunked(latin1Body, framing.damage);
          break;
        case 'transfer-encoding':
          lines.push(`Transfer-Encoding: ${framing.value}`);
          break;
        case 'none':
          break;
      }
      for (const damage of damages) lines = damageHeaders(lines, damage);
      return { transport: 'raw' as const, bytes: `POST ${target} ${version}\r\n${lines.join('\r\n')}\r\n\r\n${payload}` };
    });
}

/** Odd request lines against one path: unknown methods, absolute URIs, garbage, missing version. */
export function rawRequestArb(path: string, secret: string): fc.Arbitrary<FuzzRawRequest> {
  return fc
    .record({
      method: fc.constantFrom('GET', 'PROPFIND', 'TRACE', 'CONNECT', 'FOO', 'get', 'G ET', 'M-SEARCH', ''),
      target: fc.constantFrom(path, `http://127.0.0.1${path}`, `${path}?%`, '*', `${path}#x`, `${path}\u0000`, `//${path}`),
      version: fc.constantFrom(' HTTP/1.1', ' HTTP/1.0', '', ' HTTP/1.1 extra'),
    })
    .map(({ method, target, version }) => ({
      transport: 'raw' as const,
      bytes: `${method} ${target}${version}\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${secret}\r\nConnection: close\r\n\r\n`,
    }));
}
