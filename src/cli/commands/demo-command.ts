/**
 * `understudy demo` — for now, the capture stage of the full demo: a gateway on the embedded defaults
 * (SQLite under .understudy/) in front of a loopback stand-in LLM (clearly labelled: it answers fixed
 * replies in the real OpenAI wire format, so no API key is needed), a short tagged workload sent through
 * it — plain, streaming, tool-calling and json_schema calls in episodes — and what was captured. The
 * gateway then keeps running so you can point your own client at it. Later stages (simulator, discovery,
 * training, routing) extend this command as they land.
 */
import { Command } from 'commander';
import { loadConfig } from '../../contracts/config.ts';
import { startGateway } from '../../gateway/start-gateway.ts';
import { startFixedUpstream } from '../../simulate/fixed-upstream.ts';
import { colour, printJson, printTable } from '../cli-output.ts';
import { closeOnSignals, parsePort } from './serve-command.ts';
import { addCommonOptions, type GlobalOptions } from './shared-options.ts';

interface DemoOptions extends GlobalOptions {
  port?: string;
  once?: boolean;
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

const contactSchema = {
  type: 'json_schema',
  json_schema: {
    name: 'contact',
    strict: true,
    schema: {
      type: 'object',
      properties: { name: { type: 'string' }, email: { type: 'string' }, order_id: { type: 'string' } },
      required: ['name', 'email', 'order_id'],
      additionalProperties: false,
    },
  },
};

export function createDemoCommand(): Command {
  return addCommonOptions(new Command('demo'))
    .description('see capture work end to end: a gateway, a stand-in LLM and a short tagged agent workload (no API key needed)')
    .option('--port <port>', 'gateway port (default: a free port)')
    .option('--once', 'exit after the workload instead of leaving the gateway running')
    .addHelpText('after', '\nExamples:\n  npx understudy demo\n  npx understudy demo --once --json')
    .action(async (options: DemoOptions) => {
      const say = (line: string) => {
        if (!options.json) process.stdout.write(`${line}\n`);
      };
      const upstream = await startFixedUpstream({ latencyMs: 40, chunkDelayMs: 5 });
      say(`${colour.dim('stand-in LLM (fixed replies, OpenAI wire format) on')} ${upstream.url}`);
      const loaded = loadConfig({ configPath: options.config });
      loaded.config.providers = [{ name: 'stand-in', baseUrl: upstream.url, models: ['*'], headers: {} }];
      loaded.config.defaultProvider = 'stand-in';
      const gateway = await startGateway({ loaded, port: options.port === undefined ? 0 : parsePort(options.port) });
      say(`${colour.green('gateway')} on ${colour.bold(gateway.baseUrl)} (store: ${gateway.store.engine}, ${loaded.dataDir})`);
      await gateway.store.projects.ensure('demo', 'Demo agent');
      const { secret } = await gateway.store.apiKeys.create({ projectId: 'demo', name: `demo ${new Date().toISOString()}` });

      const episodes = 3;
      const sent: string[] = [];
      for (let episode = 1; episode <= episodes; episode += 1) {
        const episodeId = `demo-${Date.now().toString(36)}-${episode}`;
        const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'x-understudy-episode': episodeId };
        const post = async (task: string, body: Record<string, unknown>) => {
          const response = await fetch(`${gateway.baseUrl}/chat/completions`, {
            method: 'POST',
            headers: { ...headers, 'x-understudy-task': task },
            body: JSON.stringify(body),
          });
          await response.text();
          sent.push(`${task}:${response.status}`);
        };
        await post('extract-contact', {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: 'Extract the customer contact and order id as JSON.' },
            { role: 'user', content: `Hi, this is customer ${episode}, order #A-${1000 + episode}, reach me at customer${episode}@example.com.` },
          ],
          response_format: contactSchema,
        });
        await post('pick-tool', {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `What's the weather in city number ${episode}?` }],
          tools: [weatherTool],
        });
        await post('draft-reply', {
          model: 'gpt-4o',
          stream: true,
          stream_options: { include_usage: true },
          messages: [
            { role: 'system', content: 'You are a friendly support agent. Draft a short reply.' },
            { role: 'user', content: `My order A-${1000 + episode} is late.` },
          ],
        });
      }
      await gateway.logWriter.flush();
      const calls = await gateway.store.calls.list({ projectId: 'demo', limit: episodes * 3, order: 'desc' });
      const summary = await gateway.store.calls.summarize({ projectId: 'demo' });
      if (options.json) {
        printJson({ baseUrl: gateway.baseUrl, sent: sent.length, summary, calls: calls.map(({ request: _request, response: _response, ...rest }) => rest) });
      } else {
        say(`\nSent ${sent.length} calls in ${episodes} episodes; captured:`);
        printTable(
          ['TASK', 'MODEL', 'STREAM', 'STATUS', 'LATENCY', 'TTFT', 'TOKENS', 'COST $'],
          calls.reverse().map((call) => [
            call.task ?? '-',
            call.model,
            call.stream ? 'yes' : 'no',
            call.status,
            `${call.latencyMs.toFixed(1)} ms`,
            call.ttftMs === null ? '-' : `${call.ttftMs.toFixed(1)} ms`,
            `${call.tokensIn ?? '?'}/${call.tokensOut ?? '?'}`,
            call.costUsd === null ? '-' : call.costUsd.toFixed(6),
          ]),
        );
        say(`\nProject "demo" so far: ${summary.calls} calls, ${summary.tokensIn + summary.tokensOut} tokens, $${summary.costUsd.toFixed(4)} at list prices.`);
        say('Still to come in this demo: discovery, specialists, routing and savings.');
      }
      if (options.once) {
        await gateway.close();
        await upstream.close();
        return;
      }
      say(`\nThe gateway keeps running. Try it:\n  curl ${gateway.baseUrl}/chat/completions -H 'authorization: Bearer ${secret}' -H 'content-type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'\nCtrl-C to stop.`);
      closeOnSignals(gateway, () => upstream.close());
    });
}
