/**
 * The latest replaceability report, as `understudy report` and the loop saved it in the settings
 * (`latestReportSettingKey`). Only the fields the dashboard shows are checked; a missing or unreadable report
 * reads as none (verdicts `unknown`), never as an error, because the pages are useful without it.
 */
import { z } from 'zod';
import { latestReportSettingKey, type TaskVerdict } from '../../contracts/dashboard-api.ts';
import type { Verdict } from '../../discover/replaceability-report.ts';
import type { SettingRepository } from '../../store/store.ts';

const assessmentSchema = z.looseObject({
  taskId: z.string(),
  verdict: z.enum(['specialise', 'maybe', 'keep-on-llm']),
  reasons: z.array(z.string()).default([]),
  outputShape: z.unknown(),
  templates: z.array(z.object({ text: z.string(), calls: z.number() })).default([]),
});

const reportSchema = z.looseObject({ tasks: z.array(assessmentSchema) });

export type ReportedTask = z.infer<typeof assessmentSchema>;

/** The report's assessments by task id; empty without a readable report. */
export async function loadLatestReport(settings: SettingRepository): Promise<Map<string, ReportedTask>> {
  const text = await settings.get(latestReportSettingKey);
  if (text === undefined) return new Map();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return new Map();
  }
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) return new Map();
  return new Map(parsed.data.tasks.map((task) => [task.taskId, task]));
}

const verdicts: Readonly<Record<Verdict, TaskVerdict>> = { specialise: 'replace', maybe: 'candidate', 'keep-on-llm': 'keep-on-llm' };

/** The report's verdict in the dashboard's words. */
export function dashboardVerdict(task: ReportedTask | undefined): TaskVerdict {
  return task === undefined ? 'unknown' : verdicts[task.verdict];
}
