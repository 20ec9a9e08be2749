/** `GET /admin/specialists`: every specialist (retired too), the mode of the route serving it (null when none or off), its latest evaluation. */
import type { DashboardSpecialist } from '../../contracts/dashboard-api.ts';
import type { Store } from '../../store/store.ts';

export async function listSpecialists(store: Store): Promise<DashboardSpecialist[]> {
  const [specialists, routes] = await Promise.all([store.specialists.list({ includeRetired: true }), store.routes.list()]);
  return Promise.all(
    specialists.map(async (specialist) => {
      const route = routes.find((entry) => entry.specialistId === specialist.id && entry.task === specialist.task);
      const evaluation = await store.evaluations.latest(specialist.id);
      return {
        id: specialist.id,
        task: specialist.task,
        name: specialist.name,
        status: specialist.status,
        baseModel: specialist.baseModel,
        adapterPath: specialist.adapterPath,
        createdAt: specialist.createdAt,
        routedIn: route !== undefined && route.mode !== 'off' ? route.mode : null,
        evalAgreement: evaluation?.agreement ?? null,
      };
    }),
  );
}
