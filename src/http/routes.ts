import { connectionRoutes } from '../connections/connection.routes.js';
import { environmentRoutes } from '../environments/environment.routes.js';
import { mappingRoutes } from '../mappings/mapping.routes.js';
import { orderRoutes } from '../orders/order.routes.js';
import { webhookRoutes } from '../webhooks/webhook.routes.js';
import { resourceRoutes } from '../resources/resource.routes.js';
import type { RoutePlugin } from './types.js';

/**
 * Every capability's route plugin. Each owner adds one line. A plugin declares absolute paths
 * (`/v1/connections/:id`) with zod schemas, `tags` and a `summary`; every /v1 path is
 * authenticated before the handler runs (`request.auth`).
 */
export const routePlugins: RoutePlugin[] = [
  environmentRoutes,
  connectionRoutes,
  resourceRoutes,
  mappingRoutes,
  orderRoutes,
  webhookRoutes,
];
