/**
 * The boundary check `npm run lint` runs (.config/dependency-cruiser.cjs), run on a small made-up repository:
 * each rule refuses the import it exists to refuse, and lets a clean domain file through.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: { name: string }[];
}

const FILES: Record<string, string> = {
  // a domain rule that reaches for DynamoDB itself
  'services/shop/src/domain/stock.ts':
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n",
  // a domain rule that calls its own adapter
  'services/shop/src/domain/order.ts':
    "import { saveOrder } from '../adapters/orders';\nexport const save = saveOrder;\n",
  'services/shop/src/adapters/orders.ts': 'export function saveOrder(): void {}\n',
  // a clean domain file: zod, a sibling, nothing else
  'services/shop/src/domain/price.ts':
    "import { z } from 'zod';\nimport { ratio } from './ratio';\nexport const Price = z.number().min(ratio);\n",
  'services/shop/src/domain/ratio.ts': 'export const ratio = 1;\n',
  // one service's handler importing another service's domain
  'services/till/src/handlers/pay.ts':
    "import { Price } from '../../../shop/src/domain/price';\nexport { Price };\n",
  // two till modules that need each other
  'services/till/src/domain/a.ts': "import { b } from './b';\nexport const a = () => b();\n",
  'services/till/src/domain/b.ts': "import { a } from './a';\nexport const b = (): unknown => a;\n",
};

let fixture: string;
let violations: Violation[];
let exitCode: number;
let text: string;

/** Runs depcruise with the repository's rules from the fixture's root, as `npm run boundaries` does. */
function depcruise(outputType: string): { status: number; stdout: string } {
  try {
    const stdout = execFileSync(
      path.join(REPO, 'node_modules/.bin/depcruise'),
      [
        '--config',
        path.join(REPO, '.config/dependency-cruiser.cjs'),
        '--output-type',
        outputType,
        'services',
      ],
      { cwd: fixture, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return { status: 0, stdout };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { status: failed.status, stdout: failed.stdout };
  }
}

beforeAll(() => {
  fixture = fs.mkdtempSync(path.join(os.tmpdir(), 'payflow-boundaries-'));
  for (const [file, source] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(fixture, file)), { recursive: true });
    fs.writeFileSync(path.join(fixture, file), source);
  }
  // The fixture resolves packages and reads the TypeScript settings as the repository does.
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(fixture, 'node_modules'));
  fs.copyFileSync(path.join(REPO, 'tsconfig.base.json'), path.join(fixture, 'tsconfig.base.json'));

  violations = (JSON.parse(depcruise('json').stdout) as { summary: { violations: Violation[] } }).summary
    .violations;
  // The reporter `npm run boundaries` prints, whose exit code fails `npm test`.
  ({ status: exitCode, stdout: text } = depcruise('err'));
}, 60_000);

afterAll(() => {
  fs.rmSync(fixture, { recursive: true, force: true });
});

const broken = (rule: string) => violations.filter((violation) => violation.rule.name === rule);

describe('the boundary check', () => {
  it('fails the lint run, naming each broken rule', () => {
    expect(exitCode).not.toBe(0);
    expect(text).toContain('error domain-is-pure: services/shop/src/domain/stock.ts');
  });

  it('refuses a domain file that imports the AWS SDK, and one that imports its adapter', () => {
    expect(broken('domain-is-pure').map(({ from, to }) => [from, to])).toEqual([
      ['services/shop/src/domain/order.ts', 'services/shop/src/adapters/orders.ts'],
      [
        'services/shop/src/domain/stock.ts',
        expect.stringMatching(/node_modules\/@aws-sdk\/client-dynamodb\//),
      ],
    ]);
  });

  it('refuses a service that imports another service', () => {
    expect(broken('no-service-imports-another').map(({ from, to }) => [from, to])).toEqual([
      ['services/till/src/handlers/pay.ts', 'services/shop/src/domain/price.ts'],
    ]);
  });

  it('refuses a cycle', () => {
    expect(broken('no-circular').map(({ from }) => from)).toEqual(
      expect.arrayContaining(['services/till/src/domain/a.ts']),
    );
  });

  it('lets a domain file that imports zod and its siblings through', () => {
    const froms = violations.map((violation) => violation.from);
    expect(froms).not.toContain('services/shop/src/domain/price.ts');
    expect(froms).not.toContain('services/shop/src/domain/ratio.ts');
  });
});
