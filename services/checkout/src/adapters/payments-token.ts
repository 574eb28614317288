import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/** Checkout's OAuth2 client for the payments API, as the payments stack stores it in Secrets Manager. */
interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Token endpoint answered without a usable token (401, 5xx, nonsense): worth retrying later. */
export class TokenUnavailableError extends Error {
  override name = 'PaymentsUnavailable';
}

const SCOPES = 'payments/sessions payments/read';
/** A token is renewed this long before it expires, so no call goes out with one about to lapse. */
const RENEW_BEFORE_MS = 60_000;

/**
 * An access token for the payments API by the client-credentials grant (Cognito's token endpoint on AWS, the local
 * issuer under `npm start`), cached in the container until a minute before it expires.
 */
export function createPaymentsToken(
  config: { tokenUrl: string; secretName: string },
  fetchImpl: typeof fetch = fetch,
) {
  let cached: { token: string; renewAt: number } | undefined;

  async function credentials(): Promise<ClientCredentials> {
    const secret = await getSecret<ClientCredentials>(config.secretName, { transform: 'json', maxAge: 300 });
    if (!secret?.clientId || !secret.clientSecret) {
      throw new Error(`The secret ${config.secretName} has no clientId and clientSecret`);
    }
    return secret;
  }

  async function fetchToken(): Promise<{ token: string; renewAt: number }> {
    const { clientId, clientSecret } = await credentials();
    let response: Response;
    try {
      response = await fetchImpl(config.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPES }).toString(),
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      throw new TokenUnavailableError(`The token endpoint did not answer: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (response.status !== 200 || !body.access_token) {
      // Never echo the body: an error from a token endpoint can quote credentials.
      throw new TokenUnavailableError(`The token endpoint answered ${response.status} without a token`);
    }
    return {
      token: body.access_token,
      renewAt: Date.now() + (body.expires_in ?? 3600) * 1000 - RENEW_BEFORE_MS,
    };
  }

  return {
    async token(): Promise<string> {
      if (!cached || Date.now() >= cached.renewAt) cached = await fetchToken();
      return cached.token;
    },
    /** Forget the token (the API refused it): the next call gets a new one. */
    forget(): void {
      cached = undefined;
    },
  };
}

export type PaymentsToken = ReturnType<typeof createPaymentsToken>;
