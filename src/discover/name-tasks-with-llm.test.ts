/**
 * LLM naming of discovered tasks against the loopback stand-in LLM, through the real OpenAI-compatible HTTP
 * client: the tasks come from real discovery over simulated support traffic with the task headers stripped,
 * so the prompts are built from real skeletons, and the check that no payload leaves looks at what the
 * stand-in actually received.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createReportTaskNamer } from '../cli/commands/report-command.ts';
import type { ChatMessage } from '../contracts/chat-completion.ts';
import { parseConfig } from '../contracts/config.ts';
import { isUnderstudyError } from '../contracts/errors.ts';
import { createOpenAICompatibleEngine } from '../providers/engines/openai-compatible-engine.ts';
import type { SpecialistEngine } from '../providers/engines/specialist-engine.ts';
import { simulatedAgents } from '../simulate/driver/simulated-agents.ts';
import { startFixedUpstream, type FixedUpstream } from '../simulate/fixed-upstream.ts';
import { discoverTasks } from './discover-tasks.ts';
import type { DiscoveredTask } from './discovered-task.ts';
import { nameTasksWithLlm, namingMessages, type NamingMessage } from './name-tasks-with-llm.ts';
import { createSimulatedTraffic } from './report/internal/simulated-call-records.ts';

/** What the stand-in answers for the first discovered tasks, in discovery order. */
const plannedReplies = [
  { reply: 'extract-order-fields', expect: 'extract-order-fields-2' }, // the declared task holds the plain name
  { reply: '`Extract-Order-Fields`.', expect: 'extract-order-fields-3' }, // same name again: backticks, stop and case forgiven
  { reply: "Sure! Here's a name: answer-customer-question", expect: 'kept' },
  { reply: '', expect: 'kept' },
  { reply: 'this name has far too many words to be a name', expect: 'kept' },
  { reply: 'provider-fails-here', status: 503, expect: 'kept' },
] as const;

function toChatMessages(messages: NamingMessage[]): ChatMessage[] {
  return messages.map((message): ChatMessage => ({ role: message.role, content: message.content }));
}

describe('nameTasksWithLlm against the stand-in LLM', () => {
  let discovered: DiscoveredTask[];
  let declared: DiscoveredTask;
  let payloadEmails: string[];

  before(async () => {
    const traffic = await createSimulatedTraffic({ episodesPerAgent: 20, seed: 'name-with-llm', agents: [simulatedAgents.support!] });
    const stripped = traffic.calls.map((call) => ({ ...call, task: null }));
    discovered = (await discoverTasks(stripped)).tasks;
    // A declared task as the report fixtures give it, holding the name the model will suggest first.
    declared = { ...traffic.tasks[0]!, name: 'extract-order-fields' };
    const emails = new Set<string>();
    for (const call of traffic.calls) for (const match of JSON.stringify(call.request.messages).matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)) emails.add(match[0]);
    payloadEmails = [...emails];
  });

  it('applies clean names, keeps the heuristic name with a reason otherwise, and sends skeletons but no payload', async () => {
    assert.ok(discovered.length >= plannedReplies.length, `discovery found ${discovered.length} tasks`);
    assert.ok(payloadEmails.length > 0, 'the simulated calls carry customer emails');
    const tasks = [declared, ...discovered];
    // One stand-in per task (each answers one fixed text); the completion function sends each task's prompt
    // to its own stand-in, found by the prompt itself so the default concurrency can run.
    const upstreams: FixedUpstream[] = [];
    const engines: SpecialistEngine[] = [];
    const engineByPrompt = new Map<string, SpecialistEngine>();
    try {
      for (const [index, task] of discovered.entries()) {
        const planned = plannedReplies[index];
        const upstream = await startFixedUpstream({ replyText: planned?.reply ?? `other-task-${index}` });
        if (planned !== undefined && 'status' in planned) upstream.setFault({ kind: 'status', status: planned.status });
        const engine = createOpenAICompatibleEngine({ baseUrl: upstream.url, model: 'gpt-4.1-mini', timeoutMs: 10_000 });
        upstreams.push(upstream);
        engines.push(engine);
        engineByPrompt.set(namingMessages(task)[1]!.content, engine);
      }
      const result = await nameTasksWithLlm(tasks, {
        complete: async (messages) => {
          const engine = engineByPrompt.get(messages[1]!.content);
          assert.ok(engine, 'every prompt belongs to one discovered task');
          return (await engine.complete({ messages: toChatMessages(messages) })).content ?? '';
        },
      });

      assert.notEqual(result.tasks, tasks);
      assert.deepEqual(result.tasks.map((task) => task.id), tasks.map((task) => task.id), 'ids and order unchanged');
      assert.equal(result.tasks[0], declared, 'the declared task is untouched');
      for (const [index, task] of discovered.entries()) {
        const renamed = result.tasks[index + 1]!;
        const expected = plannedReplies[index]?.expect ?? `other-task-${index}`;
        assert.deepEqual({ ...renamed, name: task.name }, task, 'only the name changes');
        assert.equal(renamed.name, expected === 'kept' ? task.name : expected, `task ${index} (${task.name})`);
      }
      assert.equal(result.named, discovered.length - 4);
      assert.deepEqual(
        result.kept.map((entry) => entry.taskId),
        discovered.slice(2, 6).map((task) => task.id),
      );
      const [chatty, empty, wordy, failed] = result.kept;
      assert.match(chatty!.reason, /is not 2–5 kebab-case words/);
      assert.equal(empty!.reason, 'empty reply');
      assert.match(wordy!.reason, /longer than 48|kebab-case/);
      assert.match(failed!.reason, /^provider error: .*503/);
      assert.equal(new Set(result.tasks.map((task) => task.name)).size, result.tasks.length, 'names are unique');

      // What left the machine: each task's skeleton, never a payload value from its calls.
      const received = upstreams.flatMap((upstream) => upstream.requests.map((request) => request.body));
      assert.equal(received.length, discovered.length);
      for (const [index, task] of discovered.entries()) {
        const [body] = upstreams[index]!.requests.map((request) => JSON.parse(request.body) as { model: string; messages: ChatMessage[] });
        assert.equal(body!.model, 'gpt-4.1-mini');
        assert.ok(String(body!.messages[1]!.content).includes(task.templates[0]!.text), `the skeleton of ${task.name} was sent`);
      }
      for (const email of payloadEmails) assert.ok(!received.some((body) => body.includes(email)), `${email} was sent`);
      assert.ok(!received.some((body) => body.includes('@')), 'no address of any kind was sent');
    } finally {
      await Promise.all(engines.map((engine) => engine.close()));
      await Promise.all(upstreams.map((upstream) => upstream.close()));
    }
  });

  describe('the `report --name-with` wiring', () => {
    let upstream: FixedUpstream;
    before(async () => {
      upstream = await startFixedUpstream({ replyText: 'handle-support-request' });
    });
    after(() => upstream.close());

    it('names through the provider that serves the model, with its key, and summarises', async () => {
      const config = parseConfig({ providers: [{ name: 'stand-in', baseUrl: upstream.url, apiKeyEnv: 'NAMER_KEY', models: ['namer-*'] }] }, 'test');
      const nameTasks = createReportTaskNamer({ config, model: 'namer-small', environment: { NAMER_KEY: 'namer-secret' } });
      const { result, summary } = await nameTasks([declared, ...discovered.slice(0, 3)]);
      assert.deepEqual(result.tasks.map((task) => task.name), [declared.name, 'handle-support-request', 'handle-support-request-2', 'handle-support-request-3']);
      assert.equal(summary, 'named 3 of 3 tasks with namer-small');
      assert.equal(upstream.requests.length, 3);
      for (const request of upstream.requests) {
        assert.equal(request.path, '/v1/chat/completions');
        assert.equal(request.headers.authorization, 'Bearer namer-secret');
        const body = JSON.parse(request.body) as { model: string; stream: boolean };
        assert.equal(body.model, 'namer-small');
        assert.equal(body.stream, false);
      }
    });

    it('refuses a model no provider serves, naming the providers', () => {
      const config = parseConfig({ providers: [{ name: 'stand-in', baseUrl: upstream.url, models: ['namer-*'] }] }, 'test');
      assert.throws(
        () => createReportTaskNamer({ config, model: 'gpt-4.1-mini' }),
        (error) => isUnderstudyError(error, 'invalid_request') && /stand-in/.test((error as Error).message),
      );
    });
  });
});
