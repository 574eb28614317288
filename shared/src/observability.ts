import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logInvocation, type Logger } from './logger';

/** Every Payflow metric is in this CloudWatch namespace, with a `service` dimension. */
export const METRICS_NAMESPACE = 'Payflow';

/** What an operator watches; the dashboard and alarms name these, so a misspelt one is a type error. */
export type MetricName =
  | 'PaymentsSucceeded'
  | 'PaymentsDeclined'
  | 'PaymentAmount'
  | 'ReconcilerActions'
  | 'BillsRowsLoaded'
  | 'BillsRowsRejected'
  | 'NotificationsSent'
  | 'NotificationsSkipped'
  | 'NotificationsFailed'
  | 'OrdersCompleted';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Dimensions beside `service`: a currency, a channel, an action, an outcome. Never card data, addresses or tokens. */
export type MetricDimensions = Record<string, string>;

/**
 * A service's metrics, written as CloudWatch EMF lines when the invocation ends (see `publishMetrics`).
 * Powertools puts one set of dimensions on every metric of an EMF document, so each set (service alone; service and
 * currency; service and channel...) is a Powertools Metrics of its own, made on first use; the values are few.
 */
export class ServiceMetrics {
  readonly #buffers = new Map<string, Metrics>();

  constructor(readonly serviceName: string) {}

  add(name: MetricName, unit: Unit, value: number, dimensions: MetricDimensions = {}): void {
    this.#buffer(dimensions).addMetric(name, unit, value);
  }

  count(name: MetricName, value = 1, dimensions: MetricDimensions = {}): void {
    this.add(name, MetricUnit.Count, value, dimensions);
  }

  /** Writes what was added since the last call, one EMF line per set of dimensions; nothing when nothing was added. */
  publish(): void {
    for (const buffer of this.#buffers.values()) if (buffer.hasStoredMetrics()) buffer.publishStoredMetrics();
  }

  #buffer(dimensions: MetricDimensions): Metrics {
    const key = JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));
    let buffer = this.#buffers.get(key);
    if (!buffer) {
      buffer = new Metrics({
        namespace: METRICS_NAMESPACE,
        serviceName: this.serviceName,
        defaultDimensions: dimensions,
      });
      this.#buffers.set(key, buffer);
    }
    return buffer;
  }
}

/**
 * One of each per container (a Lambda container runs one service's functions; every template sets
 * POWERTOOLS_SERVICE_NAME). Outside Lambda (tests, `npm start`) the tracer turns itself off: it traces only where
 * AWS_EXECUTION_ENV is set, which serverless-offline does not set.
 */
export const tracer = new Tracer();
export const metrics = new ServiceMetrics(process.env.POWERTOOLS_SERVICE_NAME || 'payflow');

type AnyMiddleware = MiddlewareObj<unknown, unknown>;

/** The metrics added during an invocation are written when it ends, whether it returned or threw. */
export function publishMetrics(target: ServiceMetrics = metrics): AnyMiddleware {
  const publish = async () => target.publish();
  return { after: publish, onError: publish };
}

/**
 * The handler's X-Ray subsegment. Never its response (a pay link, an e-mail address); an error only when it was not
 * answered: an HTTP route's 4xx is an answer, not a fault.
 */
export function traceHandler(): AnyMiddleware {
  const capture = captureLambdaHandler(tracer, {
    captureResponse: false,
  }) as unknown as Required<AnyMiddleware>;
  return {
    before: capture.before,
    after: capture.after,
    onError: async (request) => {
      const answered = (request.response as { statusCode?: number } | undefined)?.statusCode;
      await (answered !== undefined && answered < 500 ? capture.after(request) : capture.onError(request));
    },
  };
}

export interface ObservedHandlerOptions {
  /** The service's logger: Powertools adds the Lambda context to its lines, and the correlation id when a path is given. */
  logger?: Logger;
  /** Where the event carries its correlation id (`correlationPaths`). */
  correlationIdPath?: string;
}

/** Traced, and its metrics published at the end: every Payflow function is wrapped by this (httpHandler too). */
export function observedHandler<Event, Result>(
  handler: (event: Event, context: Context) => Promise<Result>,
  options: ObservedHandlerOptions = {},
) {
  const observed = middy(handler)
    .use(traceHandler() as MiddlewareObj<Event, Result>)
    .use(publishMetrics() as MiddlewareObj<Event, Result>);
  if (options.logger) {
    observed.use(logInvocation(options.logger, options.correlationIdPath) as MiddlewareObj<Event, Result>);
  }
  return observed;
}

export { MetricUnit };
