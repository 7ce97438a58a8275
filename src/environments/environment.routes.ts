import type { AppDeps } from '../app.js';
import { ApiError, errorResponses } from '../http/errors.js';
import type { ApiInstance } from '../http/types.js';
import { meResponseSchema } from './environment.js';
import { formatMe, toApiKey } from './environment.formatter.js';
import { findApiKeyById } from './environment.repository.js';
import { getEnvironment } from './environment.service.js';

export async function environmentRoutes(app: ApiInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/v1/me',
    {
      schema: {
        tags: ['Environment'],
        summary: 'The environment and API key making this call',
        security: [{ bearerAuth: [] }],
        response: { 200: meResponseSchema, ...errorResponses(401) },
      },
    },
    async (request) => {
      const { environmentId, apiKeyId } = request.auth;
      const [environment, keyRow] = await Promise.all([
        getEnvironment(deps.store.db, environmentId),
        findApiKeyById(deps.store.db, apiKeyId),
      ]);
      if (!environment || !keyRow)
        throw new ApiError(401, 'unauthorized', 'This API key is no longer valid.');
      return formatMe(environment, toApiKey(keyRow));
    },
  );
}
