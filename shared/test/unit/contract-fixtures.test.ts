import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventContracts, isPayflowDetailType, parseEventBridgeEvent } from '../../src';

// The same fixtures `sls invoke local -p` and the services' tests use; they must stay valid events.
const contractsDir = join(__dirname, '../../../events/contracts');
const fixtureFiles = readdirSync(contractsDir).filter((file) => file.endsWith('.json'));

describe('events/contracts fixtures', () => {
  it('has one fixture per contract, and no fixture without a contract', () => {
    const fixtureNames = fixtureFiles.map((file) => file.replace(/\.json$/, '')).sort();
    expect(fixtureNames).toEqual(Object.keys(eventContracts).sort());
  });

  it.each(fixtureFiles)('%s is a full EventBridge event that matches its contract', (file) => {
    const detailType = file.replace(/\.json$/, '');
    if (!isPayflowDetailType(detailType)) throw new Error(`${file} names no contract`);
    const event = JSON.parse(readFileSync(join(contractsDir, file), 'utf8'));
    expect(event).toMatchObject({ version: '0', 'detail-type': detailType, resources: expect.any(Array) });
    const detail = parseEventBridgeEvent(eventContracts[detailType], event);
    expect(detail.data).toEqual(event.detail.data);
    expect(JSON.stringify(event)).not.toMatch(/\d{13,19}/);
  });
});
