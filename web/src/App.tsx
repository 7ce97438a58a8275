import { useCallback, useEffect, useState } from 'react';
import { Badge, Empty, Spinner } from './components/common';
import { ApiKeyPage } from './pages/ApiKeyPage';
import { ConnectionEditPage } from './pages/ConnectionEditPage';
import { ConnectionWizard } from './pages/ConnectionWizard';
import { ConnectionsPage } from './pages/ConnectionsPage';
import { MappingsPage } from './pages/MappingsPage';
import { OrderDetailPage } from './pages/OrderDetailPage';
import { OrdersPage } from './pages/OrdersPage';
import { RecordsPage } from './pages/RecordsPage';
import { WebhooksPage } from './pages/WebhooksPage';
import { href, navigate, useRoute, type Route } from './router';
import { SessionProvider, readStoredKey, storeKey, takeKeyFromHash, useSession } from './session';

export function App() {
  const [apiKey, setApiKey] = useState<string | null>(() => takeKeyFromHash() ?? readStoredKey());
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback(() => {
    storeKey(null);
    setApiKey(null);
  }, []);
  const expired = useCallback(() => {
    setNotice('The API key was refused. Enter a valid key.');
    signOut();
  }, [signOut]);

  if (!apiKey)
    return (
      <ApiKeyPage
        notice={notice}
        onKey={(k) => {
          storeKey(k);
          setNotice(null);
          setApiKey(k);
        }}
      />
    );

  return (
    <SessionProvider apiKey={apiKey} onSignOut={expired}>
      <Shell onSignOut={signOut} />
    </SessionProvider>
  );
}

function connectionIdOf(route: Route): string | null {
  return 'connectionId' in route ? route.connectionId : null;
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const route = useRoute();
  const { connections, currentConnectionId, setCurrentConnectionId } = useSession();
  const routeConnection = connectionIdOf(route);

  useEffect(() => {
    if (routeConnection && routeConnection !== currentConnectionId) setCurrentConnectionId(routeConnection);
  }, [routeConnection, currentConnectionId, setCurrentConnectionId]);

  useEffect(() => {
    document.title = `${titleOf(route)} · x3bridge admin`;
  }, [route]);

  const cid = routeConnection ?? currentConnectionId;
  const current = connections?.find((c) => c.id === cid) ?? null;
  const section =
    route.name === 'order'
      ? 'orders'
      : route.name === 'wizard' || route.name === 'connection'
        ? 'connections'
        : route.name;

  const navItems: { id: string; label: string; to: Route | null }[] = [
    { id: 'connections', label: 'Connections', to: { name: 'connections' } },
    {
      id: 'mappings',
      label: 'Mappings',
      to: cid ? { name: 'mappings', connectionId: cid, kind: 'products' } : null,
    },
    { id: 'orders', label: 'Orders', to: cid ? { name: 'orders', connectionId: cid } : null },
    {
      id: 'records',
      label: 'Records',
      to: cid ? { name: 'records', connectionId: cid, resource: 'customers' } : null,
    },
    { id: 'webhooks', label: 'Webhooks', to: { name: 'webhooks', webhookId: null } },
  ];

  function switchConnection(id: string) {
    setCurrentConnectionId(id);
    if (route.name === 'mappings') navigate({ ...route, connectionId: id });
    else if (route.name === 'orders' || route.name === 'order')
      navigate({ name: 'orders', connectionId: id });
    else if (route.name === 'records' || route.name === 'connection')
      navigate({ ...route, connectionId: id });
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href({ name: 'connections' })}>
          <span className="brand-mark" aria-hidden="true">
            x3
          </span>
          x3bridge
        </a>
        <nav className="mainnav" aria-label="Main">
          {navItems.map((n) =>
            n.to ? (
              <a
                key={n.id}
                href={href(n.to)}
                className={section === n.id ? 'active' : undefined}
                aria-current={section === n.id ? 'page' : undefined}
              >
                {n.label}
              </a>
            ) : (
              <span key={n.id} className="disabled" title="Add a connection first">
                {n.label}
              </span>
            ),
          )}
        </nav>
        <div className="topbar-right">
          {connections && connections.length > 0 ? (
            <div className="picker">
              <label htmlFor="current-connection" className="visually-hidden">
                Connection
              </label>
              <select
                id="current-connection"
                value={cid ?? ''}
                onChange={(e) => switchConnection(e.target.value)}
              >
                {connections.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.folder})
                  </option>
                ))}
              </select>
              {current ? <Badge status={current.status} /> : null}
            </div>
          ) : null}
          <button type="button" className="link-button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  const { connections } = useSession();
  if ('connectionId' in route && connections === null) return <Spinner />;
  if ('connectionId' in route && connections && !connections.some((c) => c.id === route.connectionId))
    return (
      <section className="page">
        <Empty title="Connection not found">
          It may have been deleted, or belong to another environment.{' '}
          <a href="#/connections">See connections</a>.
        </Empty>
      </section>
    );
  switch (route.name) {
    case 'key':
    case 'connections':
      return <ConnectionsPage />;
    case 'wizard':
      return <ConnectionWizard />;
    case 'connection':
      return <ConnectionEditPage connectionId={route.connectionId} />;
    case 'webhooks':
      return <WebhooksPage webhookId={route.webhookId} />;
    case 'mappings':
      return <MappingsPage connectionId={route.connectionId} kind={route.kind} />;
    case 'orders':
      return <OrdersPage connectionId={route.connectionId} />;
    case 'order':
      return <OrderDetailPage connectionId={route.connectionId} quoteId={route.quoteId} />;
    case 'records':
      return <RecordsPage connectionId={route.connectionId} resource={route.resource} />;
    case 'not_found':
      return (
        <section className="page">
          <Empty title="Page not found">
            <a href="#/connections">Go to connections</a>.
          </Empty>
        </section>
      );
  }
}

function titleOf(route: Route): string {
  switch (route.name) {
    case 'wizard':
      return 'New connection';
    case 'connection':
      return 'Edit connection';
    case 'webhooks':
      return 'Webhooks';
    case 'mappings':
      return 'Code mapping';
    case 'orders':
      return 'Order log';
    case 'order':
      return `Quote ${route.quoteId}`;
    case 'records':
      return 'Records';
    default:
      return 'Connections';
  }
}
