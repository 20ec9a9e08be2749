/**
 * The teacher's judgement, apart from any HTTP: which task a request is (from the request alone, as a model
 * reads it), whether this answer is one of the configured share of wrong ones, and the answer itself.
 * Every decision draws from a `Random` the caller derives from the seed and the request bytes, so the same
 * request always gets the same answer — reruns reproduce, and a retried call is not "fixed" by luck.
 */
import type { ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import { exampleFromJsonSchema } from '../internal/example-from-json-schema.ts';
import type { Random } from '../random.ts';
import type { TaskSkill, TeacherReply } from '../simulated-task.ts';
import { inputVariationSkill } from './internal/input-variation-skill.ts';

/** What every teacher can do whatever agents it serves: answer Understudy's own requests (dataset augmentation). */
const builtInSkills: ReadonlyArray<Omit<TaskSkill, 'agent'>> = [inputVariationSkill];

/** How the request was recognised: by exactly one skill, by none, or (a skill bug) by several. */
export type Recognition = 'one' | 'none' | 'many';

export interface TeacherAnswer {
  reply: TeacherReply;
  /** The recognised skill's task; null when no skill recognised the request. */
  task: string | null;
  recognition: Recognition;
  /** True when this is one of the deliberate wrong answers. */
  wrong: boolean;
}

/**
 * Generic replies for requests no skill knows: a hosted model still answers, so an unknown call gets a
 * plausible on-topic paragraph rather than an error.
 */
const genericOpenings = [
  'Thanks for the details.',
  'Here is a short answer.',
  'Happy to help with that.',
  'Based on what you shared,',
];
const genericBodies = [
  'the request looks reasonable and I would proceed with the usual steps.',
  'I would start by confirming the key facts and then follow up with the next action.',
  'there is nothing unusual here; the standard process applies.',
  'I recommend reviewing the information once more before making a final decision.',
];

function genericReply(request: ChatCompletionRequest, random: Random): TeacherReply {
  const format = request.response_format;
  if (format?.type === 'json_schema') return { kind: 'content', content: JSON.stringify(exampleFromJsonSchema(format.json_schema.schema ?? {})) };
  if (format?.type === 'json_object') return { kind: 'content', content: '{"answer":"ok"}' };
  return { kind: 'content', content: `${random.pick(genericOpenings)} ${random.pick(genericBodies)}` };
}

/**
 * Answers one request. `random` must be derived from the teacher's seed and the request (the server uses the
 * sha256 of the body), so the decision is a pure function of both.
 *
 * @example
 * const answer = answerAsTeacher(request, skills, { errorRate: 0.02, random: createRandom(`${seed}/${bodySha256}`) });
 */
export function answerAsTeacher(
  request: ChatCompletionRequest,
  skills: readonly TaskSkill[],
  options: { errorRate: number; random: Random },
): TeacherAnswer {
  const matches = [...skills, ...builtInSkills].filter((skill) => skill.recognise(request));
  const skill = matches[0];
  // Independent streams: whether to be wrong never shifts the words of a free-text answer. Open-ended
  // answers have no wrong version to score, so the error rate applies to scored tasks only.
  const wrong = skill !== undefined && !skill.openEnded && options.random.fork('error').chance(options.errorRate);
  const replyRandom = options.random.fork('reply');
  if (!skill) return { reply: genericReply(request, replyRandom), task: null, recognition: 'none', wrong: false };
  const reply = wrong ? skill.respondWrongly(request, replyRandom) : skill.respond(request, replyRandom);
  return { reply, task: skill.task, recognition: matches.length === 1 ? 'one' : 'many', wrong };
}
