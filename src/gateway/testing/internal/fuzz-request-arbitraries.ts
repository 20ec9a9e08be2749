/**
 * fast-check generators of HTTP requests for every route of the gateway, keyed by `METHOD /path` exactly as
 * Hono lists the route (`app.routes`), so `fuzzGateway` can refuse to run when a route has no generator. Each
 * mixes plausible requests (built from the real wire shapes: src/contracts/chat-completion.ts, the call
 * record, the admin schemas) with broken ones: mutated bodies, hostile headers, odd query strings, odd paths.
 * Requests whose framing no client library would produce travel as raw bytes (`transport: 'raw'`).
 */
import fc from 'fast-check';
import { garbageBodyArb, jsonTextArb, type Json } from '../../../capture/testing/json-mutation-arbitraries.ts';
import { framingArb, rawRequestArb } from './raw-request-arbitraries.ts';
import { callRecordArb, chatRequestArb, embeddingsRequestArb } from '../../../capture/testing/wire-shape-arbitraries.ts';

export type FuzzRequest =
  | { transport: 'fetch'; method: string; path: string; headers: Array<[string, string]>; body?: string | Uint8Array }
  /** Bytes written verbatim to the socket (latin1), for framing no client library would produce. */
  | { transport: 'raw'; bytes: string };

export interface FuzzSecrets {
  apiKey: string;
  adminToken: string;
}

type RouteArbitrary = (secrets: FuzzSecrets) => fc.Arbitrary<FuzzRequest>;

const printableArb = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 });
/** Header values fetch accepts (a ByteString without CR, LF or NUL). */
const headerValueArb = fc.oneof(
  { weight: 4, arbitrary: printableArb },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)), maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((length) => 'v'.repeat(length)) },
);

function bearerArb(secret: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${secret}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        `bearer ${secret}`,
        `Bearer   ${secret}  `,
        'Bearer',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        `Bearer ${secret} extra`,
        `Token ${secret}`,
        secret,
        `Bearer ${secret}x`,
        `Bearer ${'k'.repeat(9_000)}`,
        'Bearer \u00ff\u00fe',
        'Bearer sk-does-not-exist',
        `Bearer ${secret}, Bearer other`,
      ),
    },
    { weight: 1, arbitrary: headerValueArb },
  );
}

const contentTypeArb = fc.constantFrom(
  undefined,
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json;;;',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '*/*',
  'garbage',
);

const contentEncodingArb = fc.constantFrom(undefined, undefined, undefined, 'gzip', 'br', 'deflate', 'identity', 'gzip, br', 'x-unknown');

const extraHeadersArb: fc.Arbitrary<Array<[string, string]>> = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom('x-understudy-task', 'x-understudy-episode', 'x-understudy-user', 'x-understudy-ui', 'cookie', 'accept', 'accept-encoding', 'origin', 'x-forwarded-for', 'user-agent', 'x-request-id', 'openai-organization', 'x-understudy-admin-token'),
      fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
    ),
    headerValueArb,
  ),
  { maxLength: 4 },
);

interface RequestParts {
  method: string;
  path: string;
  authorization: string | undefined;
  body?: string | Uint8Array;
  contentType?: string | undefined;
  contentEncoding?: string | undefined;
  extra: Array<[string, string]>;
}

function toFetchRequest(parts: RequestParts): FuzzRequest {
  const headers: Array<[string, string]> = [];
  if (parts.authorization !== undefined) headers.push(['authorization', parts.authorization]);
  if (parts.contentType !== undefined) headers.push(['content-type', parts.contentType]);
  if (parts.contentEncoding !== undefined) headers.push(['content-encoding', parts.contentEncoding]);
  headers.push(...parts.extra);
  return { transport: 'fetch', method: parts.method, path: parts.path, headers, ...(parts.body === undefined ? {} : { body: parts.body }) };
}

/** A POST of a JSON body: mostly mutated valid bodies, some garbage; any content type or encoding claim. */
function jsonPostArb(path: fc.Arbitrary<string>, bodyArb: fc.Arbitrary<Json>, secret: string, method = 'POST'): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path,
      authorization: bearerArb(secret),
      body: fc.oneof({ weight: 5, arbitrary: jsonTextArb(bodyArb) }, { weight: 1, arbitrary: garbageBodyArb }),
      contentType: contentTypeArb,
      contentEncoding: contentEncodingArb,
      extra: extraHeadersArb,
    })
    .map((parts) => toFetchRequest({ method, ...parts }));
}

/** Query strings: known keys with edge values, unknown keys, repeats, and broken percent-encoding. */
function queryArb(known: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const keys = Object.keys(known);
  const pairArb = fc.oneof(
    { weight: 5, arbitrary: keys.length === 0 ? fc.tuple(fc.constant('x'), printableArb) : fc.constantFrom(...keys).chain((key) => fc.tuple(fc.constant(key), known[key]!)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('unknown', '', '__proto__', 'constructor', 'limit[]', 'a%00b', '%ZZ'), printableArb) },
  );
  const encodingArb = fc.constantFrom<'encode' | 'raw' | 'broken'>('encode', 'encode', 'raw', 'broken');
  return fc.tuple(fc.array(fc.tuple(pairArb, encodingArb), { maxLength: 5 }), fc.boolean()).map(([pairs, withMark]) => {
    const text = pairs
      .map(([[key, value], encoding]) => {
        if (encoding === 'encode') return `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
        if (encoding === 'broken') return `${key}=${value}%${value.length % 2 === 0 ? 'Z' : 'E0%A4'}`;
        return `${key}=${value}`;
      })
      .join('&');
    return text.length === 0 ? (withMark ? '?' : '') : `?${text}`;
  });
}

const numberTextArb = fc.oneof(
  fc.constantFrom('0', '1', '-1', '50', '1000', '1001', '1e3', '1.5', 'NaN', 'Infinity', '', 'abc', '0x10', ' 5', '99999999999999999999', '-0', '1e400', '9007199254740993'),
  fc.integer().map(String),
);
const wordArb = fc.oneof(fc.constantFrom('', 'test', 'default', 'ok', 'error', 'gateway', 'sdk', 'import', 'queued', 'running', 'invalid_output', 'asc', 'desc', 'hour', 'day', 'minute', 'week'), printableArb);

/** Path parameters with odd encodings: NUL, dot segments, encoded slashes, broken escapes, very long. */
export const pathParameterArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('%00', '..', '..%2F..', '%2e%2e', '%2F', 'a%2Fb', 'a/b/c', '%ZZ', '%', '%E0%A4', '%C0%AE%C0%AE', '%F0%9F%98%80', '%20', '.', '~', 'call-1', 'support%2Fextract-order', 'x'.repeat(10_000), '%FF%FE', '%5C..%5C'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/),
);

function adminAuthArb(adminToken: string): fc.Arbitrary<Array<[string, string]>> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<Array<[string, string]>>([['authorization', `Bearer ${adminToken}`]]) },
    { weight: 1, arbitrary: fc.constant<Array<[string, string]>>([['x-understudy-admin-token', adminToken]]) },
    { weight: 1, arbitrary: fc.constant<Array<[string, string]>>([]) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<Array<[string, string]>>(
        [['authorization', `Bearer ${adminToken}x`]],
        [['authorization', 'Bearer']],
        [['authorization', `Basic ${adminToken}`]],
        [['cookie', 'understudy_session=forged']],
        [['cookie', `understudy_session=${'a'.repeat(5_000)}`]],
        [['x-understudy-admin-token', '']],
        [
          ['authorization', 'Bearer wrong'],
          ['x-understudy-admin-token', adminToken],
        ],
      ),
    },
  );
}

/** An admin GET: admin auth (mostly valid), a path, a fuzzed query, random extra headers; sometimes HEAD. */
function adminGetArb(secrets: FuzzSecrets, path: fc.Arbitrary<string>, query: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({ path, query: queryArb(query), auth: adminAuthArb(secrets.adminToken), extra: extraHeadersArb, method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD') })
    .map(({ path: routePath, query: queryText, auth, extra, method }) => ({ transport: 'fetch', method, path: `/admin${routePath}${queryText}`, headers: [...auth, ...extra] }));
}

/** The same route with its path sent raw (dot segments and `//` untouched by URL normalisation). */
function rawPathArb(method: string, prefix: string, secret: string): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(pathParameterArb, fc.constantFrom('', '/', '/..', '/../..', '//', '?a=%', '#frag')).map(([parameter, suffix]) => ({
    transport: 'raw',
    bytes: `${method} ${prefix}${parameter}${suffix} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${secret}\r\nConnection: close\r\n\r\n`,
  }));
}

function withRawPaths(fetchArb: fc.Arbitrary<FuzzRequest>, method: string, prefix: string, secret: string): fc.Arbitrary<FuzzRequest> {
  return fc.oneof({ weight: 4, arbitrary: fetchArb }, { weight: 1, arbitrary: rawPathArb(method, prefix, secret) });
}

const callQuery = {
  limit: numberTextArb,
  offset: numberTextArb,
  order: wordArb,
  project: wordArb,
  episode: wordArb,
  task: wordArb,
  status: wordArb,
  source: wordArb,
  since: numberTextArb,
  until: numberTextArb,
};

const routeChangeBodyArb: fc.Arbitrary<Json> = fc.record(
  {
    mode: fc.constantFrom('off', 'shadow', 'canary', 'live'),
    canaryShare: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 0.1)),
    specialistId: fc.constantFrom('spec-1', 'missing', ''),
    confirm: fc.constant(true),
    reason: fc.string({ maxLength: 40 }),
  },
  { requiredKeys: ['mode', 'confirm'] },
);

const createKeyBodyArb: fc.Arbitrary<Json> = fc.record(
  { projectId: fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/), fc.constantFrom('test', '', '-x', 'a'.repeat(65))), name: fc.string({ maxLength: 30 }) },
  { requiredKeys: [] },
);

const keyLimitValueArb = fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 1_000_000 }), fc.constantFrom(0, 1.5, 2 ** 53, 1e308));
const keyLimitsBodyArb: fc.Arbitrary<Json> = fc.record({ rateLimitPerMinute: keyLimitValueArb, maxBodyBytes: keyLimitValueArb }, { requiredKeys: [] });

/** Never the fuzzer's own project `test`, whose key must keep working. */
const dataDeletionBodyArb: fc.Arbitrary<Json> = fc.record(
  { projectId: fc.constantFrom('fuzz-other', '', 'x'.repeat(300)), episodeId: fc.string({ maxLength: 20 }), endUserId: fc.string({ maxLength: 20 }), confirm: fc.boolean() },
  { requiredKeys: [] },
);

/** Methods other than the route's own, for the `ALL` (405) and unknown-method cases. */
function otherMethodArb(path: string, secret: string): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    fc
      .record({ method: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'POST'), authorization: bearerArb(secret), extra: extraHeadersArb })
      .map(({ method, authorization, extra }) =>
        toFetchRequest({ method, path, authorization, extra, ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}', contentType: 'application/json' }) }),
      ),
    rawRequestArb(path, secret),
  );
}

const chatPath = '/v1/chat/completions';

/** Generators by route, keyed exactly as `app.routes` lists them. */
export const routeArbitraries: Readonly<Record<string, RouteArbitrary>> = {
  'GET /health': (secrets) =>
    fc.oneof(
      fc.record({ query: queryArb({}), extra: extraHeadersArb, method: fc.constantFrom('GET', 'HEAD') }).map(({ query, extra, method }) => ({ transport: 'fetch' as const, method, path: `/health${query}`, headers: extra })),
      otherMethodArb('/health', secrets.apiKey),
    ),
  'POST /v1/chat/completions': (secrets) => jsonPostArb(fc.constant(chatPath), chatRequestArb, secrets.apiKey),
  'GET /v1/models': (secrets) =>
    fc.record({ authorization: bearerArb(secrets.apiKey), extra: extraHeadersArb, query: queryArb({}) }).map(({ authorization, extra, query }) => toFetchRequest({ method: 'GET', path: `/v1/models${query}`, authorization, extra })),
  'POST /v1/embeddings': (secrets) => jsonPostArb(fc.constant('/v1/embeddings'), embeddingsRequestArb, secrets.apiKey),
  'POST /v1/understudy/ingest': (secrets) => jsonPostArb(fc.constant('/v1/understudy/ingest'), fc.record({ calls: fc.array(callRecordArb, { maxLength: 3 }) }), secrets.apiKey),
  'ALL /v1/chat/completions': (secrets) => otherMethodArb(chatPath, secrets.apiKey),
  'ALL /v1/embeddings': (secrets) => otherMethodArb('/v1/embeddings', secrets.apiKey),
  'ALL /v1/understudy/ingest': (secrets) => otherMethodArb('/v1/understudy/ingest', secrets.apiKey),
  'ALL /v1/models': (secrets) => otherMethodArb('/v1/models', secrets.apiKey),
  // The admin middleware: any method on any admin path, known or not, with any credentials.
  'ALL /admin/*': (secrets) =>
    fc
      .record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'), path: fc.oneof(fc.constantFrom('', '/', '/nope', '/calls/', '/keys/x/y', '/routes', '/tasks/'), pathParameterArb.map((parameter) => `/${parameter}`)), auth: adminAuthArb(secrets.adminToken), extra: extraHeadersArb })
      .map(({ method, path, auth, extra }) => ({ transport: 'fetch' as const, method, path: `/admin${path}`, headers: [...auth, ...extra], ...(method === 'GET' ? {} : { body: '{}' }) })),
  'GET /admin/calls': (secrets) => adminGetArb(secrets, fc.constant('/calls'), callQuery),
  'GET /admin/calls/:id': (secrets) => withRawPaths(adminGetArb(secrets, pathParameterArb.map((id) => `/calls/${id}`), { redact: wordArb }), 'GET', '/admin/calls/', secrets.adminToken),
  'GET /admin/summary': (secrets) => adminGetArb(secrets, fc.constant('/summary'), { project: wordArb }),
  'GET /admin/keys': (secrets) => adminGetArb(secrets, fc.constant('/keys'), { project: wordArb }),
  'POST /admin/keys': (secrets) => jsonPostArb(fc.constant('/admin/keys'), createKeyBodyArb, secrets.adminToken),
  'DELETE /admin/keys/:id': (secrets) =>
    withRawPaths(
      fc.record({ id: pathParameterArb, auth: adminAuthArb(secrets.adminToken) }).map(({ id, auth }) => ({ transport: 'fetch' as const, method: 'DELETE', path: `/admin/keys/${id}`, headers: auth })),
      'DELETE',
      '/admin/keys/',
      secrets.adminToken,
    ),
  'PATCH /admin/keys/:id': (secrets) =>
    fc.oneof(
      { weight: 4, arbitrary: jsonPostArb(pathParameterArb.map((id) => `/admin/keys/${id}`), keyLimitsBodyArb, secrets.adminToken, 'PATCH') },
      { weight: 1, arbitrary: rawPathArb('PATCH', '/admin/keys/', secrets.adminToken) },
    ),
  // No body is read: any body, content type or credential (a forged session cookie among them).
  'POST /admin/login-links': (secrets) => jsonPostArb(fc.constant('/admin/login-links'), fc.oneof(fc.constant({}), fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 })), secrets.adminToken),
  'POST /admin/data/deletions': (secrets) => jsonPostArb(fc.constant('/admin/data/deletions'), dataDeletionBodyArb, secrets.adminToken),
  // The origin policy (origin-policy.ts), before every route: preflights and cross-site requests on any path.
  'ALL /*': (secrets) =>
    fc
      .record({
        method: fc.constantFrom('OPTIONS', 'OPTIONS', 'GET', 'POST', 'DELETE'),
        path: fc.constantFrom('/v1/chat/completions', '/v1/models', '/admin/calls', '/admin/keys', '/health', '/ui/', '/nowhere'),
        origin: fc.constantFrom('http://127.0.0.1', 'https://evil.example', 'null', '', 'http://localhost:4141', 'file://', 'http://[::1]', '%00', 'x'.repeat(3_000)),
        requestMethod: fc.option(fc.constantFrom('POST', 'GET', 'DELETE', '', 'FOO')),
        requestHeaders: fc.option(fc.constantFrom('authorization, content-type', 'x-understudy-task', ',,,', 'x-evil', 'a'.repeat(2_000))),
        auth: adminAuthArb(secrets.adminToken),
      })
      .map(({ method, path, origin, requestMethod, requestHeaders, auth }) => {
        const headers: Array<[string, string]> = [['origin', origin], ...auth];
        if (requestMethod !== null) headers.push(['access-control-request-method', requestMethod]);
        if (requestHeaders !== null) headers.push(['access-control-request-headers', requestHeaders]);
        return { transport: 'fetch' as const, method, path, headers, ...(method === 'POST' ? { body: '{}' } : {}) };
      }),
  'GET /admin/providers': (secrets) => adminGetArb(secrets, fc.constant('/providers'), {}),
  'GET /admin/overview': (secrets) => adminGetArb(secrets, fc.constant('/overview'), { since: numberTextArb, until: numberTextArb, bucket: wordArb }),
  'GET /admin/tasks': (secrets) => adminGetArb(secrets, fc.constant('/tasks'), {}),
  'GET /admin/tasks/:id{.+}': (secrets) => withRawPaths(adminGetArb(secrets, pathParameterArb.map((id) => `/tasks/${id}`), {}), 'GET', '/admin/tasks/', secrets.adminToken),
  'PUT /admin/routes/:task{.+}': (secrets) =>
    fc.oneof(
      { weight: 4, arbitrary: jsonPostArb(fc.oneof(fc.constant('/admin/routes/fuzz%2Ftask'), pathParameterArb.map((task) => `/admin/routes/${task}`)), routeChangeBodyArb, secrets.adminToken, 'PUT') },
      { weight: 1, arbitrary: rawPathArb('PUT', '/admin/routes/', secrets.adminToken) },
    ),
  'GET /admin/jobs': (secrets) => adminGetArb(secrets, fc.constant('/jobs'), { status: wordArb, limit: numberTextArb }),
  'GET /admin/jobs/:id': (secrets) => withRawPaths(adminGetArb(secrets, pathParameterArb.map((id) => `/jobs/${id}`), {}), 'GET', '/admin/jobs/', secrets.adminToken),
  'GET /admin/specialists': (secrets) => adminGetArb(secrets, fc.constant('/specialists'), {}),
  'GET /admin/models': (secrets) => adminGetArb(secrets, fc.constant('/models'), {}),
  'GET /admin/escalations': (secrets) => adminGetArb(secrets, fc.constant('/escalations'), { task: wordArb, reason: wordArb, limit: numberTextArb, offset: numberTextArb }),
  'GET /': () => fc.record({ query: queryArb({}), extra: extraHeadersArb }).map(({ query, extra }) => ({ transport: 'fetch' as const, method: 'GET', path: `/${query}`, headers: extra })),
  'GET /ui': () => fc.record({ query: queryArb({}), extra: extraHeadersArb }).map(({ query, extra }) => ({ transport: 'fetch' as const, method: 'GET', path: `/ui${query}`, headers: extra })),
  'GET /ui/login': () =>
    fc.record({ query: queryArb({ token: fc.oneof(printableArb, fc.constantFrom('', 'x'.repeat(5_000), '%00')) }), extra: extraHeadersArb }).map(({ query, extra }) => ({ transport: 'fetch' as const, method: 'GET', path: `/ui/login${query}`, headers: extra })),
  'GET /ui/*': (secrets) =>
    withRawPaths(
      fc
        .record({ path: fc.oneof(pathParameterArb, fc.constantFrom('assets/', 'assets/x.js', 'index.html', 'assets/%2e%2e/index.html', 'a/b', 'favicon.ico')), method: fc.constantFrom('GET', 'HEAD') })
        .map(({ path, method }) => ({ transport: 'fetch' as const, method, path: `/ui/${path}`, headers: [] })),
      'GET',
      '/ui/',
      secrets.adminToken,
    ),
};

/** Broken HTTP framing (Content-Length, chunked encoding, duplicate and oversized headers), sent raw. */
export const framingEndpoint = 'RAW framing (POST routes)';
export function framingRequestArb(secrets: FuzzSecrets): fc.Arbitrary<FuzzRequest> {
  return framingArb(secrets.apiKey, secrets.adminToken, jsonTextArb(chatRequestArb));
}
