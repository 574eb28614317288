import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { z } from 'zod';
import {
  httpHandler,
  metrics,
  MetricUnit,
  observedHandler,
  ServiceMetrics,
  tracer,
  UnprocessableError,
} from '../../src';
import { captureMetrics } from '../../src/testing';

const context = { functionName: 'payInvoice', awsRequestId: 'req-1' } as Context;

function httpApiEvent(body: unknown): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /things',
    rawPath: '/things',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/things' } } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: false,
    body: JSON.stringify(body),
  };
}

describe('ServiceMetrics', () => {
  it('writes one EMF line per set of dimensions, in the Payflow namespace, each with the service dimension', async () => {
    const serviceMetrics = new ServiceMetrics('payments');
    const { datapoints, otherOutput } = await captureMetrics(() => {
      serviceMetrics.count('PaymentsSucceeded');
      serviceMetrics.count('PaymentsSucceeded');
      serviceMetrics.add('PaymentAmount', MetricUnit.NoUnit, 1250, { currency: 'EUR' });
      serviceMetrics.add('PaymentAmount', MetricUnit.NoUnit, 900, { currency: 'GBP' });
      serviceMetrics.publish();
    });
    expect(otherOutput).toBe('');
    expect(datapoints).toEqual([
      {
        namespace: 'Payflow',
        name: 'PaymentsSucceeded',
        unit: 'Count',
        values: [1, 1],
        dimensions: { service: 'payments' },
      },
      {
        namespace: 'Payflow',
        name: 'PaymentAmount',
        unit: 'None',
        values: [1250],
        dimensions: { service: 'payments', currency: 'EUR' },
      },
      {
        namespace: 'Payflow',
        name: 'PaymentAmount',
        unit: 'None',
        values: [900],
        dimensions: { service: 'payments', currency: 'GBP' },
      },
    ]);
  });

  it('writes nothing at all, not even a warning, when nothing was added, and each value only once', async () => {
    const serviceMetrics = new ServiceMetrics('payments');
    serviceMetrics.count('PaymentsDeclined');
    await captureMetrics(() => serviceMetrics.publish());
    const again = await captureMetrics(() => serviceMetrics.publish());
    expect(again).toEqual({ datapoints: [], otherOutput: '' });
  });
});

describe('observedHandler', () => {
  it('publishes what the invocation added when it ends, also when it throws', async () => {
    const handler = observedHandler(async (event: { fail: boolean }) => {
      metrics.count('BillsRowsLoaded', 3);
      if (event.fail) throw new Error('boom');
      return 'done';
    });
    const succeeded = await captureMetrics(async () =>
      expect(await handler({ fail: false }, context)).toBe('done'),
    );
    expect(succeeded.datapoints).toEqual([expect.objectContaining({ name: 'BillsRowsLoaded', values: [3] })]);
    const failed = await captureMetrics(() =>
      expect(handler({ fail: true }, context)).rejects.toThrow('boom'),
    );
    expect(failed.datapoints).toEqual([expect.objectContaining({ name: 'BillsRowsLoaded', values: [3] })]);
  });

  it('does not trace outside Lambda (no X-Ray daemon in tests or under npm start)', () => {
    expect(tracer.isTracingEnabled()).toBe(false);
  });
});

describe('httpHandler metrics', () => {
  const route = httpHandler({ body: z.object({ ok: z.boolean() }) }, ({ body }) => {
    if (!body.ok) throw new UnprocessableError('not ok');
    metrics.count('OrdersCompleted', 1, { outcome: 'CONFIRMED' });
    return { ok: true };
  });

  it('publishes a route’s metrics with its answer', async () => {
    const { datapoints, otherOutput } = await captureMetrics(async () =>
      expect(await route(httpApiEvent({ ok: true }), context)).toMatchObject({ statusCode: 200 }),
    );
    expect(otherOutput).toBe('');
    expect(datapoints).toEqual([
      expect.objectContaining({
        name: 'OrdersCompleted',
        dimensions: { service: 'payflow', outcome: 'CONFIRMED' },
      }),
    ]);
  });

  it('prints nothing for a route that added no metric, a problem answer included', async () => {
    const captured = await captureMetrics(async () =>
      expect(await route(httpApiEvent({ ok: false }), context)).toMatchObject({ statusCode: 422 }),
    );
    expect(captured).toEqual({ datapoints: [], otherOutput: '' });
  });
});
