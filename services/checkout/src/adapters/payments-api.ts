import type { Money, NotificationChoice } from '@payflow/shared';

export interface SessionRequest {
  orderId: string;
  customerId: string;
  amount: Money;
  notification: NotificationChoice;
  expiresInSeconds: number;
  correlationId: string;
}

export interface CreatedSession {
  sessionId: string;
  payUrl: string;
  expiresAt: string;
}

/** Payments answered 5xx, or did not answer: worth retrying (the state machine's Retry does, with backoff). */
export class PaymentsUnavailableError extends Error {
  override name = 'PaymentsUnavailable';
}

/** Payments refused the request (4xx): retrying the same request cannot help. */
export class PaymentsRejectedError extends Error {
  override name = 'PaymentsRejected';
}

/** POST {paymentsApiUrl}/payment-sessions: the session a customer pays; checkout keeps the task token itself. */
export function createPaymentsApi(baseUrl: string, fetchImpl: typeof fetch = fetch, timeoutMs = 10_000) {
  return {
    async createSession(request: SessionRequest): Promise<CreatedSession> {
      const { correlationId, ...body } = request;
      let response: Response;
      try {
        response = await fetchImpl(new URL('payment-sessions', withSlash(baseUrl)), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new PaymentsUnavailableError(
          `Payments at ${baseUrl} did not answer: ${(error as Error).message}`,
        );
      }
      const text = await response.text();
      if (response.status >= 500) {
        throw new PaymentsUnavailableError(`Payments answered ${response.status}: ${text.slice(0, 300)}`);
      }
      if (response.status !== 201 && response.status !== 200) {
        throw new PaymentsRejectedError(
          `Payments refused the session (${response.status}): ${text.slice(0, 500)}`,
        );
      }
      const session = JSON.parse(text) as Partial<CreatedSession>;
      if (!session.sessionId || !session.payUrl || !session.expiresAt) {
        throw new PaymentsRejectedError(
          `Payments answered without sessionId, payUrl or expiresAt: ${text.slice(0, 300)}`,
        );
      }
      return { sessionId: session.sessionId, payUrl: session.payUrl, expiresAt: session.expiresAt };
    },
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export type PaymentsApi = ReturnType<typeof createPaymentsApi>;
