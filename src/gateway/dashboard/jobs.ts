/**
 * `GET /admin/jobs` and `GET /admin/jobs/:id`: the job queue with each job's latest progress. The detail carries
 * the loss curve: the finished result's `lossCurve`, else the running job's `progress.lossHistory` (written by
 * the heartbeat), else, for jobs finished before results carried it, the `report.json` the training run wrote
 * beside its `reportPath`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { DashboardJob } from '../../contracts/dashboard-api.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { JobRecord, JobStatus, Store } from '../../store/store.ts';

const lossCurveSchema = z.array(z.object({ step: z.number(), loss: z.number() }));

// Progress and results are written by the job kinds' own code; only the fields shown are read, each checked.
const progressSchema = z.looseObject({
  step: z.number().optional(),
  totalSteps: z.number().optional(),
  loss: z.number().optional(),
  etaSeconds: z.number().optional(),
  message: z.string().optional(),
  phase: z.string().optional(),
  lossHistory: lossCurveSchema.optional(),
});
const resultSchema = z.looseObject({
  specialistId: z.string().optional(),
  steps: z.number().optional(),
  reportPath: z.string().optional(),
  lossCurve: lossCurveSchema.optional(),
});
const specSchema = z.looseObject({ task: z.string().optional() });

export async function listJobs(store: Store, filter: { status?: JobStatus; limit: number }): Promise<DashboardJob[]> {
  const jobs = await store.jobs.list({ ...(filter.status === undefined ? {} : { status: filter.status }), limit: filter.limit });
  return jobs.map((job) => dashboardJob(job, []));
}

export async function getJob(store: Store, id: string): Promise<DashboardJob> {
  const job = await store.jobs.get(id);
  if (job === undefined) throw new UnderstudyError('not_found', `No job '${id}'.`);
  return dashboardJob(job, await lossCurveOf(job));
}

function dashboardJob(job: JobRecord, lossCurve: DashboardJob['lossCurve']): DashboardJob {
  const progress = progressSchema.safeParse(job.progress).data;
  const result = resultSchema.safeParse(job.result).data;
  const step = progress?.step ?? (job.status === 'succeeded' ? (result?.steps ?? null) : null);
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    task: specSchema.safeParse(job.spec).data?.task ?? null,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    step,
    totalSteps: progress?.totalSteps ?? null,
    loss: progress?.loss ?? null,
    etaSeconds: job.status === 'running' ? (progress?.etaSeconds ?? null) : null,
    message: progress?.message ?? progress?.phase ?? null,
    error: job.error,
    specialistId: result?.specialistId ?? null,
    lossCurve,
  };
}

async function lossCurveOf(job: JobRecord): Promise<DashboardJob['lossCurve']> {
  const result = resultSchema.safeParse(job.result).data;
  if (result?.lossCurve !== undefined) return result.lossCurve;
  if (result?.reportPath !== undefined) {
    const fromReport = await readReportLossCurve(path.join(path.dirname(result.reportPath), 'report.json'));
    if (fromReport !== undefined) return fromReport;
  }
  return progressSchema.safeParse(job.progress).data?.lossHistory ?? [];
}

/** Undefined when the report is missing (another machine's disk, cleaned up) or unreadable. */
async function readReportLossCurve(file: string): Promise<DashboardJob['lossCurve'] | undefined> {
  try {
    const parsed = z.looseObject({ lossCurve: lossCurveSchema }).safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data.lossCurve : undefined;
  } catch {
    return undefined;
  }
}
