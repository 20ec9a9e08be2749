import { useEffect, useState, type ReactNode } from 'react';
import { onUnauthorized } from './api/api-client.ts';
import { LoginScreen } from './components/login-screen.tsx';
import { href, matchPath, useLocation } from './lib/hash-router.ts';
import { EscalationsPage } from './pages/escalations-page.tsx';
import { JobPage } from './pages/job-page.tsx';
import { JobsPage } from './pages/jobs-page.tsx';
import { ModelsPage } from './pages/models-page.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { SpecialistsPage } from './pages/specialists-page.tsx';
import { TaskPage } from './pages/task-page.tsx';
import { TasksPage } from './pages/tasks-page.tsx';

interface NavigationItem {
  path: string;
  label: string;
  icon: string;
}

const navigation: NavigationItem[] = [
  { path: '/', label: 'Overview', icon: '◐' },
  { path: '/tasks', label: 'Tasks', icon: '☰' },
  { path: '/jobs', label: 'Training jobs', icon: '⟳' },
  { path: '/specialists', label: 'Specialists', icon: '◆' },
  { path: '/models', label: 'Model catalog', icon: '▤' },
  { path: '/escalations', label: 'Escalations', icon: '↗' },
];

/** The page for a hash path; unknown paths fall back to a not-found note. */
function renderPage(path: string): ReactNode {
  let parameters: Record<string, string> | null;
  if (path === '/' || path === '') return <OverviewPage />;
  if (path === '/tasks') return <TasksPage />;
  if ((parameters = matchPath('/tasks/:id', path))) return <TaskPage key={parameters.id} taskId={parameters.id ?? ''} />;
  if (path === '/jobs') return <JobsPage />;
  if ((parameters = matchPath('/jobs/:id', path))) return <JobPage key={parameters.id} jobId={parameters.id ?? ''} />;
  if (path === '/specialists') return <SpecialistsPage />;
  if (path === '/models') return <ModelsPage />;
  if (path === '/escalations') return <EscalationsPage />;
  return (
    <div className="page">
      <h1 className="page-title">Page not found</h1>
      <p className="muted">
        Nothing lives at <code>{path}</code>. <a href={href('/')}>Go to the overview</a>.
      </p>
    </div>
  );
}

function isActive(item: NavigationItem, path: string): boolean {
  return item.path === '/' ? path === '/' : path === item.path || path.startsWith(`${item.path}/`);
}

export function App() {
  const { path } = useLocation();
  const [signedOut, setSignedOut] = useState(false);
  // Bumped after signing in, so every page remounts and reloads with the new credentials.
  const [session, setSession] = useState(0);

  useEffect(() => onUnauthorized(() => setSignedOut(true)), []);
  const section = navigation.find((item) => isActive(item, path))?.label;
  useEffect(() => {
    document.title = section ? `${section} · Understudy` : 'Understudy';
  }, [section]);

  if (signedOut) {
    return (
      <LoginScreen
        onSignedIn={() => {
          setSignedOut(false);
          setSession((value) => value + 1);
        }}
      />
    );
  }

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="sidebar-inner">
          <a className="brand" href={href('/')}>
            <span className="brand-mark" aria-hidden="true" />
            Understudy
          </a>
          <ul className="nav-list">
            {navigation.map((item) => (
              <li key={item.path}>
                <a className={`nav-link${isActive(item, path) ? ' nav-link-active' : ''}`} href={href(item.path)} aria-current={isActive(item, path) ? 'page' : undefined}>
                  <span className="nav-icon" aria-hidden="true">
                    {item.icon}
                  </span>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
          <div className="sidebar-footer muted">Gateway at {window.location.host}</div>
        </div>
      </nav>
      <main className="main" key={session}>
        {renderPage(path)}
      </main>
    </div>
  );
}
