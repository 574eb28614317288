import { gateStats, runGated, setFunctionConcurrency } from '../../src/concurrency';
import { allowedOrigins, routeMatcher, routesOf } from '../../src/http-gateway';

describe('per-function concurrency', () => {
  it('runs at most the limit at once and serves the waiting line first come, first served', async () => {
    setFunctionConcurrency('unit-fn', 2);
    const order: number[] = [];
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        runGated('unit-fn', async () => {
          most = Math.max(most, ++running);
          order.push(i);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(gateStats('unit-fn')).toEqual({ running: 0, waiting: 0, peak: 2, limit: 2 });
  });

  it('frees the slot when the invocation fails', async () => {
    setFunctionConcurrency('unit-failing', 1);
    await expect(runGated('unit-failing', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(runGated('unit-failing', () => Promise.resolve('yes'))).resolves.toBe('yes');
  });
});

describe('HTTP routes', () => {
  const match = routeMatcher(
    routesOf({
      get: { name: 'svc-local-get', events: [{ httpApi: { method: 'GET', path: '/checkouts/{orderId}' } }] },
      create: { name: 'svc-local-create', events: [{ httpApi: 'POST /checkouts' }] },
      mine: { name: 'svc-local-mine', events: [{ httpApi: { method: 'GET', path: '/checkouts/mine' } }] },
      files: { name: 'svc-local-files', events: [{ http: { method: 'any', path: 'files/{key+}' } }] },
    }),
  );

  it('finds the function behind a request, the most specific route first', () => {
    expect(match('GET', '/checkouts/o-1')?.functionName).toBe('svc-local-get');
    expect(match('GET', '/checkouts/mine')?.functionName).toBe('svc-local-mine');
    expect(match('POST', '/checkouts')?.functionName).toBe('svc-local-create');
    expect(match('PUT', '/files/a/b.csv')).toMatchObject({ functionName: 'svc-local-files', api: 'rest' });
  });

  it('has none for a method or path no function serves (CORS preflights pass through)', () => {
    expect(match('OPTIONS', '/checkouts')).toBeUndefined();
    expect(match('GET', '/checkouts/o-1/items')).toBeUndefined();
  });
});

describe('HTTP API CORS origins', () => {
  it('lists the allowed origins, or none when any origin is allowed', () => {
    expect(allowedOrigins({ allowedOrigins: ['http://localhost:3000'] })).toEqual(['http://localhost:3000']);
    expect(allowedOrigins({ allowedOrigins: ['*'] })).toBeUndefined();
    expect(allowedOrigins(true)).toBeUndefined();
    expect(allowedOrigins(undefined)).toBeUndefined();
  });
});
