import { useEffect, useState } from 'react';

// Hash routing: deep links work whatever the server does with unknown paths, and reloading a
// screen never asks the server for anything but index.html.

export type Route =
  | { name: 'key' }
  | { name: 'connections' }
  | { name: 'wizard' }
  | { name: 'connection'; connectionId: string }
  | { name: 'webhooks'; webhookId: string | null }
  | { name: 'mappings'; connectionId: string; kind: 'products' | 'customers' }
  | { name: 'orders'; connectionId: string }
  | { name: 'order'; connectionId: string; quoteId: string }
  | { name: 'records'; connectionId: string; resource: string }
  | { name: 'not_found'; path: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d] = parts;
  if (parts.length === 0 || (a === 'connections' && parts.length === 1)) return { name: 'connections' };
  if (a === 'key' && parts.length === 1) return { name: 'key' };
  if (a === 'connections' && b === 'new' && parts.length === 2) return { name: 'wizard' };
  if (a === 'webhooks' && parts.length <= 2) return { name: 'webhooks', webhookId: b ?? null };
  if (a === 'c' && b) {
    if (c === 'edit' && parts.length === 3) return { name: 'connection', connectionId: b };
    if (c === 'mappings')
      return { name: 'mappings', connectionId: b, kind: d === 'customers' ? 'customers' : 'products' };
    if (c === 'orders' && d) return { name: 'order', connectionId: b, quoteId: parts.slice(3).join('/') };
    if (c === 'orders') return { name: 'orders', connectionId: b };
    if (c === 'records') return { name: 'records', connectionId: b, resource: d ?? 'customers' };
  }
  return { name: 'not_found', path };
}

export function href(route: Route): string {
  const e = encodeURIComponent;
  switch (route.name) {
    case 'key':
      return '#/key';
    case 'connections':
      return '#/connections';
    case 'wizard':
      return '#/connections/new';
    case 'connection':
      return `#/c/${e(route.connectionId)}/edit`;
    case 'webhooks':
      return route.webhookId ? `#/webhooks/${e(route.webhookId)}` : '#/webhooks';
    case 'mappings':
      return `#/c/${e(route.connectionId)}/mappings/${route.kind}`;
    case 'orders':
      return `#/c/${e(route.connectionId)}/orders`;
    case 'order':
      return `#/c/${e(route.connectionId)}/orders/${e(route.quoteId)}`;
    case 'records':
      return `#/c/${e(route.connectionId)}/records/${e(route.resource)}`;
    case 'not_found':
      return `#${route.path}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
