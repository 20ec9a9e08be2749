/**
 * Test support: a small simulated agent that follows the `SimulatedAgent` / `TaskSkill` contract with one
 * task of every answer kind — text (a sum, streamed half the time), json_schema (an order extraction with
 * planted PII), tool calls (a weather lookup) and an open-ended summary that reacts to the tool call it got
 * back. Tests of the teacher and the driver use it so they do not depend on the real agents' prompts.
 */
import type { ChatCompletionRequest, ChatMessage } from '../../../contracts/chat-completion.ts';
import type { Random } from '../../random.ts';
import type { AgentName, EpisodeContext, GeneratedCall, PiiSpan, SimulatedAgent, TaskSkill, TeacherReply } from '../../simulated-task.ts';

const cities = ['Paris', 'Lisbon', 'Oslo', 'Kyoto', 'Lima', 'Accra', 'Perth', 'Quebec'];
const firstNames = ['Alice', 'Bruno', 'Chen', 'Dana', 'Emeka', 'Farah', 'Goran', 'Hana'];
const lastNames = ['Martin', 'Silva', 'Novak', 'Okafor', 'Tanaka', 'Haddad', 'Berg', 'Costa'];
const weatherTool = {
  type: 'function',
  function: {
    name: 'lookup_weather',
    description: 'Weather forecast for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

function systemText(request: ChatCompletionRequest): string {
  const first = request.messages[0];
  return first?.role === 'system' && typeof first.content === 'string' ? first.content : '';
}

function lastUserText(request: ChatCompletionRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index];
    if (message?.role === 'user' && typeof message.content === 'string') return message.content;
  }
  return '';
}

function sumSkill(agent: AgentName): TaskSkill {
  const prompt = `You are the ${agent} agent's calculator. Reply with the sum only.`;
  const sumOf = (request: ChatCompletionRequest) => (lastUserText(request).match(/-?\d+/g) ?? []).reduce((total, digits) => total + Number(digits), 0);
  return {
    task: `${agent}/sum`,
    agent,
    openEnded: false,
    recognise: (request) => systemText(request) === prompt,
    respond: (request) => ({ kind: 'content', content: String(sumOf(request)) }),
    respondWrongly: (request, random) => ({ kind: 'content', content: String(sumOf(request) + random.int(1, 9)) }),
  };
}

function orderSkill(agent: AgentName): TaskSkill {
  const schemaName = `${agent}_order`;
  const read = (request: ChatCompletionRequest) => {
    const text = lastUserText(request);
    return { customer_name: /I am ([A-Z][a-z]+ [A-Z][a-z]+)/.exec(text)?.[1] ?? '', order_id: /ORD-\d+/.exec(text)?.[0] ?? '' };
  };
  return {
    task: `${agent}/extract-order`,
    agent,
    openEnded: false,
    recognise: (request) => request.response_format?.type === 'json_schema' && request.response_format.json_schema.name === schemaName,
    respond: (request) => ({ kind: 'content', content: JSON.stringify(read(request)) }),
    respondWrongly: (request, random) => ({ kind: 'content', content: JSON.stringify({ ...read(request), order_id: `ORD-${random.int(10000, 99999)}` }) }),
  };
}

function hasWeatherTool(request: ChatCompletionRequest, prompt: string): boolean {
  return systemText(request) === prompt && (request.tools ?? []).some((tool) => tool.function?.name === 'lookup_weather');
}

function weatherSkill(agent: AgentName): TaskSkill {
  const prompt = `You are the ${agent} agent's travel helper.`;
  const callFor = (city: string): TeacherReply => ({ kind: 'tool_calls', calls: [{ name: 'lookup_weather', arguments: JSON.stringify({ city }) }] });
  return {
    task: `${agent}/weather-tool`,
    agent,
    openEnded: false,
    recognise: (request) => hasWeatherTool(request, prompt) && request.messages.at(-1)?.role === 'user',
    respond: (request) => callFor(/weather in ([A-Z][a-z]+)/.exec(lastUserText(request))?.[1] ?? ''),
    respondWrongly: (request, random) => callFor(random.pick(cities.filter((city) => !lastUserText(request).includes(city)))),
  };
}

function summarySkill(agent: AgentName): TaskSkill {
  const prompt = `You are the ${agent} agent's travel helper.`;
  const openings = ['Good news:', 'Here is the forecast:', 'Quick update:', 'Heads up:'];
  const summarise = (request: ChatCompletionRequest, random: Random): TeacherReply => {
    const last = request.messages.at(-1);
    const result = typeof last?.content === 'string' ? last.content : '';
    return { kind: 'content', content: `${random.pick(openings)} ${result} Enjoy your trip!` };
  };
  return {
    task: `${agent}/summarise-weather`,
    agent,
    openEnded: true,
    recognise: (request) => hasWeatherTool(request, prompt) && request.messages.at(-1)?.role === 'tool',
    respond: summarise,
    respondWrongly: summarise,
  };
}

/** One call of each step, built from a payload the agent knows, so the expected answer is certain. */
function sumCall(agent: AgentName, random: Random): GeneratedCall {
  const first = random.int(1, 500);
  const second = random.int(1, 500);
  const stream = random.chance(0.5);
  return {
    request: {
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: `You are the ${agent} agent's calculator. Reply with the sum only.` },
        { role: 'user', content: `Add ${first} and ${second}.` },
      ],
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    },
    task: `${agent}/sum`,
    openEnded: false,
    expected: { kind: 'text', text: String(first + second) },
    pii: [],
  };
}

function orderCall(agent: AgentName, random: Random): GeneratedCall {
  const name = `${random.pick(firstNames)} ${random.pick(lastNames)}`;
  const orderId = `ORD-${random.int(10000, 99999)}`;
  const email = `${name.toLowerCase().replace(' ', '.')}@example.com`;
  const content = `Hello, I am ${name}, my order ${orderId} never arrived. Mail ${email} please.`;
  const pii: PiiSpan[] = [
    { kind: 'person_name', value: name, messageIndex: 1, location: 'content', start: content.indexOf(name), end: content.indexOf(name) + name.length },
    { kind: 'email', value: email, messageIndex: 1, location: 'content', start: content.indexOf(email), end: content.indexOf(email) + email.length },
  ];
  const schema = {
    type: 'object',
    properties: { customer_name: { type: 'string' }, order_id: { type: 'string' } },
    required: ['customer_name', 'order_id'],
    additionalProperties: false,
  };
  return {
    request: {
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: 'Extract the customer name and order id.' },
        { role: 'user', content },
      ],
      response_format: { type: 'json_schema', json_schema: { name: `${agent}_order`, strict: true, schema } },
    },
    task: `${agent}/extract-order`,
    openEnded: false,
    expected: { kind: 'json', value: { customer_name: name, order_id: orderId } },
    pii,
  };
}

/**
 * A test agent named `name`. Episodes: a sum, an order extraction, then — with probability
 * `openEndedShare × 2` — a weather tool call followed by an open-ended summary of the tool's result.
 */
export function createTestAgent(name: AgentName = 'query'): SimulatedAgent {
  const travelPrompt = `You are the ${name} agent's travel helper.`;
  return {
    name,
    skills: [sumSkill(name), orderSkill(name), weatherSkill(name), summarySkill(name)],
    async runEpisode(context: EpisodeContext) {
      const random = context.random;
      await context.send(sumCall(name, random.fork('sum')));
      await context.send(orderCall(name, random.fork('order')));
      if (!random.chance(Math.min(1, context.openEndedShare * 2))) return;
      const city = random.pick(cities);
      const messages: ChatMessage[] = [
        { role: 'system', content: travelPrompt },
        { role: 'user', content: `What is the weather in ${city} tomorrow?` },
      ];
      const completion = await context.send({
        request: { model: 'gpt-4.1-mini', messages, tools: [weatherTool] },
        task: `${name}/weather-tool`,
        openEnded: false,
        expected: { kind: 'tool_calls', calls: [{ name: 'lookup_weather', arguments: { city } }] },
        pii: [],
      });
      const assistant = completion.choices[0]?.message;
      const toolCall = assistant?.tool_calls?.[0];
      if (!assistant || !toolCall) return;
      const forecast = `${random.pick(['Sunny', 'Rainy', 'Cloudy'])}, ${random.int(5, 30)} degrees.`;
      await context.send({
        request: {
          model: 'gpt-4.1-mini',
          messages: [
            ...messages,
            { role: 'assistant', content: assistant.content, tool_calls: [{ id: toolCall.id, type: toolCall.type, function: { ...toolCall.function } }] },
            { role: 'tool', tool_call_id: toolCall.id, content: forecast },
          ],
          tools: [weatherTool],
        },
        task: `${name}/summarise-weather`,
        openEnded: true,
        expected: { kind: 'open' },
        pii: [],
      });
    },
  };
}
