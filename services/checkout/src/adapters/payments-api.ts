import type { Money, NotificationChoice } from '@payflow/shared';
import type { PaymentRecord, SessionRecord } from '../domain/payment';
import { TokenUnavailableError, type PaymentsToken } from './payments-token';

export interface SessionRequest {
  orderId: string;
  customerId: string;
  amount: Money;
  notification: NotificationChoice;
  /** The order's payment deadline: the session refuses cards from then on. */
  expiresAt: string;
  correlationId: string;
  /** One session per order execution: a retried request gets the session the first one made. */
  idempotencyKey: string;
}

export interface CreatedSession {
  sessionId: string;
  payUrl: string;
  expiresAt: string;
}

/** Payments answered 5xx or 429, or did not answer: worth retrying (the state machine's Retry does, with backoff). */
class PaymentsUnavailableError extends Error {
  override name = 'PaymentsUnavailable';
}

/** Payments refused the request (4xx): retrying the same request cannot help. */
class PaymentsRejectedError extends Error {
  override name = 'PaymentsRejected';
}

/** Payments' HTTP API, as checkout uses it: create an order's session, and look up what payments recorded. */
export function createPaymentsApi(
  baseUrl: string,
  token: PaymentsToken,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 10_000,
) {
  async function send(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> },
  ) {
    try {
      return await fetchImpl(new URL(path, withSlash(baseUrl)), {
        method,
        headers: {
          ...(options.body ? { 'content-type': 'application/json' } : {}),
          authorization: `Bearer ${await token.token()}`,
          ...options.headers,
        },
        ...(options.body ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof TokenUnavailableError) throw error;
      throw new PaymentsUnavailableError(
        `Payments at ${baseUrl} did not answer: ${(error as Error).message}`,
      );
    }
  }

  /** Every call carries checkout's bearer token; one refused as expired or revoked is renewed once. */
  async function call(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) {
    let response = await send(method, path, options);
    if (response.status === 401) {
      token.forget();
      response = await send(method, path, options);
    }
    const text = await response.text();
    if (response.status >= 500 || response.status === 429) {
      throw new PaymentsUnavailableError(`Payments answered ${response.status}: ${text.slice(0, 300)}`);
    }
    return { status: response.status, text };
  }

  /** A record payments keeps, or undefined when it has none (404). */
  async function lookUp<T>(path: string): Promise<T | undefined> {
    const { status, text } = await call('GET', path);
    if (status === 404) return undefined;
    if (status !== 200)
      throw new PaymentsRejectedError(`Payments answered ${status} to GET ${path}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  return {
    async createSession(request: SessionRequest): Promise<CreatedSession> {
      const { correlationId, idempotencyKey, ...body } = request;
      const { status, text } = await call('POST', 'payment-sessions', {
        body,
        headers: { 'x-correlation-id': correlationId, 'idempotency-key': idempotencyKey },
      });
      if (status !== 201 && status !== 200) {
        throw new PaymentsRejectedError(`Payments refused the session (${status}): ${text.slice(0, 500)}`);
      }
      const session = JSON.parse(text) as Partial<CreatedSession>;
      if (!session.sessionId || !session.payUrl || !session.expiresAt) {
        throw new PaymentsRejectedError(
          `Payments answered without sessionId, payUrl or expiresAt: ${text.slice(0, 300)}`,
        );
      }
      return { sessionId: session.sessionId, payUrl: session.payUrl, expiresAt: session.expiresAt };
    },

    getPayment: (paymentId: string) => lookUp<PaymentRecord>(`payments/${encodeURIComponent(paymentId)}`),

    getSession: (sessionId: string) =>
      lookUp<SessionRecord>(`payment-sessions/${encodeURIComponent(sessionId)}`),
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
