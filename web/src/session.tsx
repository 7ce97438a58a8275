import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createApiClient, type ApiClient, type Connection } from './api';

const KEY_STORAGE = 'x3bridge.apiKey';
const CONNECTION_STORAGE = 'x3bridge.connectionId';

export interface Session {
  api: ApiClient;
  apiKey: string;
  signOut(): void;
  connections: Connection[] | null;
  connectionsError: unknown;
  reloadConnections(): Promise<void>;
  currentConnectionId: string | null;
  setCurrentConnectionId(id: string | null): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

// sessionStorage: the key lives as long as the tab, and is not shared with other tabs or kept
// after the browser closes.
export function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

/**
 * A link like `http://host:3000/#key=x3b_live_…` (what `serve --demo` can print) signs the tab in.
 * The fragment never reaches the server; the key is moved to sessionStorage and the address bar
 * is rewritten at once so the key does not stay in it.
 */
export function takeKeyFromHash(): string | null {
  const m = /^#key=([^&]+)/.exec(window.location.hash);
  if (!m?.[1]) return null;
  const key = decodeURIComponent(m[1]);
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/connections`);
  storeKey(key);
  return key;
}

export function storeKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage can be disabled; the key then lasts until reload.
  }
}

export function SessionProvider({
  apiKey,
  onSignOut,
  children,
}: {
  apiKey: string;
  onSignOut: () => void;
  children: ReactNode;
}) {
  const api = useMemo(() => createApiClient({ apiKey, onUnauthorized: onSignOut }), [apiKey, onSignOut]);
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [connectionsError, setConnectionsError] = useState<unknown>(null);
  const [currentConnectionId, setCurrent] = useState<string | null>(() => {
    try {
      return sessionStorage.getItem(CONNECTION_STORAGE);
    } catch {
      return null;
    }
  });

  const setCurrentConnectionId = useCallback((id: string | null) => {
    setCurrent(id);
    try {
      if (id) sessionStorage.setItem(CONNECTION_STORAGE, id);
      else sessionStorage.removeItem(CONNECTION_STORAGE);
    } catch {
      // see storeKey
    }
  }, []);

  const reloadConnections = useCallback(async () => {
    setConnectionsError(null);
    try {
      const all: Connection[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page = await api.listConnections({ limit: 500, cursor });
        all.push(...page.data);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      setConnections(all);
    } catch (err) {
      setConnectionsError(err);
      setConnections((prev) => prev ?? []);
    }
  }, [api]);

  useEffect(() => {
    void reloadConnections();
  }, [reloadConnections]);

  // Fall back to the first connection when the remembered one is gone.
  useEffect(() => {
    if (!connections) return;
    if (currentConnectionId && connections.some((c) => c.id === currentConnectionId)) return;
    setCurrentConnectionId(connections[0]?.id ?? null);
  }, [connections, currentConnectionId, setCurrentConnectionId]);

  const value: Session = {
    api,
    apiKey,
    signOut: onSignOut,
    connections,
    connectionsError,
    reloadConnections,
    currentConnectionId,
    setCurrentConnectionId,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
