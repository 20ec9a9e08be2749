import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../contracts/chat-completion.ts';
import { judgePairwise, parseVerdict, type JudgeMessage } from './judge-pairwise.ts';

const prompt: ChatMessage[] = [
  { role: 'system', content: 'You answer customer questions briefly.' },
  { role: 'user', content: 'When will my order arrive?' },
];
const reference = { content: 'Within three business days.', toolCalls: [] };
const candidate = { content: 'It should arrive in 3 business days.', toolCalls: [] };

/** A judge that answers from which reply it sees in slot A; it records what it was asked. */
function scriptedJudge(answer: (replyA: string) => string) {
  const seen: JudgeMessage[][] = [];
  const complete = async (messages: JudgeMessage[]) => {
    seen.push(messages);
    const replyA = /## Reply A\n([\s\S]*?)\n\n## Reply B/.exec(messages[1]!.content)![1]!;
    return answer(replyA);
  };
  return { complete, seen };
}

test('candidate_ok only when the candidate holds up in both orders', async () => {
  const judge = scriptedJudge(() => 'TIE');
  const result = await judgePairwise({ prompt, reference, candidate, complete: judge.complete });
  assert.deepEqual(result, { verdict: 'candidate_ok', raw: ['TIE', 'TIE'] });
  const preferCandidate = scriptedJudge((replyA) => (replyA === candidate.content ? 'A' : 'B'));
  assert.equal((await judgePairwise({ prompt, reference, candidate, complete: preferCandidate.complete })).verdict, 'candidate_ok');
});

test('asks twice with the replies swapped, showing the conversation', async () => {
  const judge = scriptedJudge(() => 'TIE');
  await judgePairwise({ prompt, reference, candidate, complete: judge.complete });
  assert.equal(judge.seen.length, 2);
  const [first, second] = judge.seen.map((messages) => messages[1]!.content);
  assert.match(first!, /## Reply A\nWithin three business days\.\n\n## Reply B\nIt should arrive in 3 business days\./);
  assert.match(second!, /## Reply A\nIt should arrive in 3 business days\.\n\n## Reply B\nWithin three business days\./);
  assert.match(first!, /\[user\]\nWhen will my order arrive\?/);
  assert.equal(judge.seen[0]![0]!.role, 'system');
  assert.match(judge.seen[0]![0]!.content, /exactly one word: A, B or TIE/);
});

test('reference_better when the reference wins in both orders', async () => {
  const judge = scriptedJudge((replyA) => (replyA === reference.content ? 'A' : 'B'));
  assert.deepEqual(await judgePairwise({ prompt, reference, candidate, complete: judge.complete }), { verdict: 'reference_better', raw: ['A', 'B'] });
});

test('a judge that always picks the first slot is caught as inconsistent (position bias)', async () => {
  const judge = scriptedJudge(() => 'A');
  assert.deepEqual(await judgePairwise({ prompt, reference, candidate, complete: judge.complete }), { verdict: 'inconsistent', raw: ['A', 'A'] });
  const secondSlot = scriptedJudge(() => 'B');
  assert.equal((await judgePairwise({ prompt, reference, candidate, complete: secondSlot.complete })).verdict, 'inconsistent');
});

test('a reply that is not one strict word is unparseable', async () => {
  const judge = scriptedJudge((replyA) => (replyA === reference.content ? 'B' : 'Reply A is better.'));
  assert.deepEqual(await judgePairwise({ prompt, reference, candidate, complete: judge.complete }), { verdict: 'unparseable', raw: ['B', 'Reply A is better.'] });
});

test('verdict parsing: one word, any case, light decoration only', () => {
  assert.equal(parseVerdict('A'), 'A');
  assert.equal(parseVerdict(' tie.\n'), 'TIE');
  assert.equal(parseVerdict('**B**'), 'B');
  assert.equal(parseVerdict('"a"'), 'A');
  assert.equal(parseVerdict('A or B'), undefined);
  assert.equal(parseVerdict('Answer: A'), undefined);
  assert.equal(parseVerdict('ABSOLUTELY'), undefined);
  assert.equal(parseVerdict(''), undefined);
});

test('tool calls are shown to the judge', async () => {
  const judge = scriptedJudge(() => 'TIE');
  const withCall = { content: null, toolCalls: [{ name: 'track_order', arguments: '{"id":"ORD-1"}' }] };
  await judgePairwise({ prompt, reference: withCall, candidate: { content: '', toolCalls: [] }, complete: judge.complete });
  assert.match(judge.seen[0]![1]!.content, /## Reply A\n\[tool call\] track_order\(\{"id":"ORD-1"\}\)\n\n## Reply B\n\(empty reply\)/);
});

test('provider failures propagate to the caller', async () => {
  await assert.rejects(
    judgePairwise({
      prompt,
      reference,
      candidate,
      complete: async () => {
        throw new Error('provider down');
      },
    }),
    /provider down/,
  );
});
