import fs from 'node:fs';
import path from 'node:path';
import { eventContracts } from '@payflow/shared';
import { buildFixtures, FIXTURES_DIR, fixtureText } from '../../scripts/fixtures';
import { customerEvents } from '../../src/domain/customer-events';

describe('events/notification fixtures', () => {
  const fixtures = Object.entries(buildFixtures());

  it.each(fixtures)(
    '%s is what scripts/fixtures.ts builds from events/contracts (npm run fixtures -w @payflow/notification)',
    (name, contents) => {
      expect(JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, name), 'utf8'))).toEqual(
        JSON.parse(fixtureText(contents)),
      );
    },
  );

  it('hold a full SQS batch of ten valid customer events, and with the payouts batch every type at least once', () => {
    const [, batch] = fixtures.find(([name]) => name === 'sqs-batch.json')!;
    const [, payouts] = fixtures.find(([name]) => name === 'sqs-batch-payouts.json')!;
    expect((batch as { Records: unknown[] }).Records).toHaveLength(10);
    const records = [batch, payouts].flatMap((b) => (b as { Records: Array<{ body: string }> }).Records);
    const types = records.map((record) => {
      const event = JSON.parse(record.body) as {
        'detail-type': keyof typeof eventContracts;
        detail: unknown;
      };
      expect(eventContracts[event['detail-type']].detailSchema.safeParse(event.detail).success).toBe(true);
      return event['detail-type'];
    });
    expect(new Set(types)).toEqual(new Set(Object.keys(customerEvents)));
  });

  it('hold valid CustomerRegistered and CustomerUpdated deliveries for recordCustomerChoices', () => {
    const [, batch] = fixtures.find(([name]) => name === 'sqs-batch-customer-choices.json')!;
    const records = (batch as { Records: Array<{ body: string }> }).Records;
    expect(records).toHaveLength(2);
    for (const record of records) {
      const event = JSON.parse(record.body) as {
        'detail-type': 'CustomerRegistered' | 'CustomerUpdated';
        detail: unknown;
      };
      expect(eventContracts[event['detail-type']].detailSchema.safeParse(event.detail).success).toBe(true);
    }
  });
});
