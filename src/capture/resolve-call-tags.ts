/**
 * The three tags a call is filed under — task, episode, end user — from wherever an agent can put them
 * without changing its request body: `x-understudy-*` headers, OpenAI's `metadata` map, `user` /
 * `safety_identifier`, or an SDK option. Runs on the gateway's request path, so it only reads a few
 * fields and allocates nothing it does not return.
 */

export interface CallTags {
  task: string | null;
  episodeId: string | null;
  endUserId: string | null;
}

/** Longest tag kept; longer values are cut (ids and task names never need more, free text should not go here). */
export const maxTagLength = 200;

export const taskHeader = 'x-understudy-task';
export const episodeHeader = 'x-understudy-episode';
export const userHeader = 'x-understudy-user';

/** Anything with `get(name)`: Fetch `Headers`, Hono's `c.req.raw.headers`, a Map of lowercase names. */
export interface HeaderReader {
  get(name: string): string | null | undefined;
}

/** The request fields the tags may come from; a parsed `ChatCompletionRequest` fits. */
export interface TaggedRequest {
  user?: unknown;
  safety_identifier?: unknown;
  metadata?: unknown;
}

/**
 * First non-empty value wins, in this order:
 * - task: `override.task`, header `x-understudy-task`, `metadata.understudy_task`;
 * - episode: `override.episodeId`, header `x-understudy-episode`, `metadata.understudy_episode`;
 * - end user: `override.endUserId`, header `x-understudy-user`, `user`, `safety_identifier`,
 *   `metadata.understudy_user`.
 * Values are trimmed and cut to 200 characters; a blank value counts as absent, so a later source can
 * still supply it.
 *
 * @example
 * resolveCallTags({ headers: request.headers, request: body }); // { task: 'triage', episodeId: null, … }
 */
export function resolveCallTags(input: {
  headers?: HeaderReader | undefined;
  request: TaggedRequest;
  override?: Partial<CallTags> | undefined;
}): CallTags {
  const { headers, request, override } = input;
  const metadata = typeof request.metadata === 'object' && request.metadata !== null ? (request.metadata as Record<string, unknown>) : undefined;
  return {
    task: clean(override?.task) ?? clean(headers?.get(taskHeader)) ?? clean(metadata?.['understudy_task']),
    episodeId: clean(override?.episodeId) ?? clean(headers?.get(episodeHeader)) ?? clean(metadata?.['understudy_episode']),
    endUserId:
      clean(override?.endUserId) ??
      clean(headers?.get(userHeader)) ??
      clean(request.user) ??
      clean(request.safety_identifier) ??
      clean(metadata?.['understudy_user']),
  };
}

/** Trimmed, at most `maxTagLength` characters (never splitting a surrogate pair), or null. */
export function clean(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  let text = value.trim();
  if (text.length === 0) return null;
  if (text.length > maxTagLength) {
    const lastKept = text.charCodeAt(maxTagLength - 1);
    text = text.slice(0, lastKept >= 0xd800 && lastKept <= 0xdbff ? maxTagLength - 1 : maxTagLength).trimEnd();
  }
  return text;
}
