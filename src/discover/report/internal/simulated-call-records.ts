/**
 * Test data for the report: the simulator's realistic calls (every task of the three simulated agents) as
 * logged `CallRecord`s, priced with the bundled pricing table, and one `DiscoveredTask` per simulator task
 * (declared, so discovery itself is not under test here). Latency is a deterministic stand-in.
 */
import { collectSimulatedCalls } from '../../../../bench/internal/collect-simulated-calls.ts';
import type { CallRecord } from '../../../contracts/call-record.ts';
import { createPricingTable } from '../../../providers/pricing-table.ts';
import { simulatedAgents } from '../../../simulate/driver/simulated-agents.ts';
import type { SimulatedAgent } from '../../../simulate/simulated-task.ts';
import type { DiscoveredTask } from '../../discovered-task.ts';

export const simulatedModel = 'gpt-4.1-mini';

export interface SimulatedTraffic {
  calls: CallRecord[];
  tasks: DiscoveredTask[];
  callsOf(taskId: string): CallRecord[];
}

export async function createSimulatedTraffic(options: { episodesPerAgent: number; seed: string; agents?: readonly SimulatedAgent[] }): Promise<SimulatedTraffic> {
  const agents = options.agents ?? Object.values(simulatedAgents).filter((agent): agent is SimulatedAgent => agent !== undefined);
  const byTask = await collectSimulatedCalls({ agents, episodesPerAgent: options.episodesPerAgent, split: 'train', seed: options.seed });
  const pricing = createPricingTable();
  const calls: CallRecord[] = [];
  const tasks: DiscoveredTask[] = [];
  const byTaskRecords = new Map<string, CallRecord[]>();
  let sequence = 0;
  for (const [task, collected] of byTask) {
    const records: CallRecord[] = collected.map(({ call, completion, episodeId }) => {
      sequence += 1;
      const tokensIn = completion.usage?.prompt_tokens ?? 0;
      const tokensOut = completion.usage?.completion_tokens ?? 0;
      const latencyMs = 250 + 12 * tokensOut;
      return {
        version: 1,
        id: `sim-${sequence}`,
        source: 'gateway',
        projectId: 'simulation',
        endUserId: null,
        episodeId,
        task,
        route: 'llm',
        status: 'ok',
        errorClass: null,
        errorMessage: null,
        httpStatus: 200,
        model: simulatedModel,
        responseModel: simulatedModel,
        provider: 'openai',
        stream: false,
        startedAt: 1_750_000_000_000 + sequence * 1000,
        latencyMs,
        ttftMs: latencyMs,
        tokensIn,
        tokensOut,
        tokensEstimated: false,
        costUsd: pricing.costOf(simulatedModel, tokensIn, tokensOut),
        finishReason: completion.choices[0]?.finish_reason ?? null,
        request: { ...call.request, model: simulatedModel },
        response: completion,
      };
    });
    calls.push(...records);
    byTaskRecords.set(task, records);
    const toolNames = new Set<string>();
    for (const { call } of collected) for (const tool of call.request.tools ?? []) if (tool.function) toolNames.add(tool.function.name);
    const format = collected[0]?.call.request.response_format;
    tasks.push({
      id: task,
      name: task,
      source: 'declared',
      agency: task === 'toolloop/next-step' ? 'language-model' : 'code',
      callIds: records.map((record) => record.id),
      templates: [],
      tools: [...toolNames].sort(),
      responseFormat: format === undefined || format.type === 'text' ? null : format.type === 'json_schema' ? `json_schema:${format.json_schema.name}` : 'json_object',
      // Declared report fixtures: no discovery ran, so there is no skeleton to recognise calls by.
      signature: { anchors: [], optional: [], structure: [] },
    });
  }
  return { calls, tasks, callsOf: (taskId) => byTaskRecords.get(taskId) ?? [] };
}
