import { ServiceMetrics } from '@payflow/shared';
import { captureMetrics } from '@payflow/shared/src/testing';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { countOrderOutcome } from '../../src/adapters/metrics';

interface State {
  Next?: string;
  Parameters?: {
    FunctionName?: { 'Fn::GetAtt'?: string[] };
    Payload?: Record<string, unknown>;
    ExpressionAttributeValues?: Record<string, { S?: string; 'S.$'?: string }>;
  };
}

const { definition } = YAML.parse(fs.readFileSync(path.join(__dirname, '../../state-machine.yml'), 'utf8'), {
  merge: true,
}) as { definition: { States: Record<string, State> } };

describe('OrdersCompleted', () => {
  it('counts one order by its outcome, with the service dimension', async () => {
    const metrics = new ServiceMetrics('checkout');
    const { datapoints } = await captureMetrics(() => {
      countOrderOutcome(metrics, 'SHIPPING_UNAVAILABLE');
      metrics.publish();
    });
    expect(datapoints).toEqual([
      {
        namespace: 'Payflow',
        name: 'OrdersCompleted',
        unit: 'Count',
        values: [1],
        dimensions: { service: 'checkout', outcome: 'SHIPPING_UNAVAILABLE' },
      },
    ]);
  });

  it('each ReleaseStock state tells the function the status the order is given next', () => {
    const releases = Object.entries(definition.States).filter(
      ([, state]) => state.Parameters?.FunctionName?.['Fn::GetAtt']?.[0] === 'releaseStock',
    );
    expect(releases.map(([name]) => name).sort()).toEqual([
      'ReleaseStockCancelled',
      'ReleaseStockNotShipped',
      'ReleaseStockRejected',
      'ReleaseStockTimedOut',
    ]);
    for (const [name, state] of releases) {
      const status = definition.States[state.Next!]!.Parameters!.ExpressionAttributeValues![':status']!;
      // RejectOrder writes the status its Note state chose, REJECTED on every rejection path.
      const written = status.S ?? (status['S.$'] === '$.rejection.status' ? 'REJECTED' : status['S.$']);
      expect({ name, outcome: state.Parameters!.Payload!.outcome }).toEqual({ name, outcome: written });
    }
  });
});
