// The ArchiveStream dashboard, typed by @grafana/schema: `npm run typecheck` fails when the JSON does not fit Grafana's
// Dashboard type (a field of the wrong type, an unknown panel field). observability.test.ts checks its queries.
import type { Dashboard } from '@grafana/schema';
import dashboard from '../../infra/observability/dashboards/archivestream.json';

export const archivestreamDashboard: Dashboard = dashboard;
