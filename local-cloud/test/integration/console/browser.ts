/** What the console's browser tests share: Debian's Chromium under playwright-core, screenshots, the axe audit. */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../../src/testing';

/** Where the console is: the billing page's server (:3000) under `npm start`, or PAYFLOW_CONSOLE_PORT's. */
export const CONSOLE_URL =
  process.env.PAYFLOW_CONSOLE_URL ?? `http://localhost:${process.env.PAYFLOW_CONSOLE_PORT ?? 3000}/console`;

export const ARTIFACTS = path.resolve(__dirname, '../../../../test-artifacts/console');

export async function launch(): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return launchChromium();
}

export async function openConsole(browser: Browser, hash = ''): Promise<Page> {
  // bypassCSP only so the test can inject axe-core; the console itself runs under its own policy.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${CONSOLE_URL}${hash}`);
  await page.getByText('Live', { exact: true }).waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's WCAG 2 A and AA rules on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(options: unknown): Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return result.violations as AxeViolation[];
  });
}

export function describeViolations(violations: AxeViolation[]): string[] {
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

// Locator assertions that wait, as Playwright Test's expect does (playwright-core has none).

type Expected = string | RegExp;

async function until(
  what: string,
  check: () => Promise<boolean>,
  seen: () => Promise<unknown>,
  timeout = 10_000,
) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${timeout} ms waiting for ${what}; saw ${JSON.stringify(await seen().catch(String))}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const matches = (actual: string, expected: Expected) =>
  typeof expected === 'string' ? actual.includes(expected) : expected.test(actual);
const classOf = async (locator: Locator) => (await locator.getAttribute('class', { timeout: 1000 })) ?? '';
const textOf = async (locator: Locator) => (await locator.textContent({ timeout: 1000 })) ?? '';
const timeoutOf = (options?: { timeout?: number }) => options?.timeout ?? 10_000;

export const hasClass = (locator: Locator, expected: RegExp) =>
  until(
    `class ${expected} on ${locator}`,
    async () => expected.test(await classOf(locator)),
    () => classOf(locator),
  );
export const lacksClass = (locator: Locator, expected: RegExp) =>
  until(
    `no class ${expected} on ${locator}`,
    async () => !expected.test(await classOf(locator)),
    () => classOf(locator),
  );
export const containsText = (locator: Locator, expected: Expected, options?: { timeout?: number }) =>
  until(
    `text ${expected} in ${locator}`,
    async () => matches(await textOf(locator), expected),
    () => textOf(locator),
    timeoutOf(options),
  );
export const hasText = (locator: Locator, expected: string) =>
  until(
    `text "${expected}" of ${locator}`,
    async () => (await textOf(locator)).trim() === expected,
    () => textOf(locator),
  );
export const lacksText = (locator: Locator, expected: string) =>
  until(
    `text other than "${expected}" of ${locator}`,
    async () => (await textOf(locator)).trim() !== expected,
    () => textOf(locator),
  );
export const hasCount = (locator: Locator, expected: number, options?: { timeout?: number }) =>
  until(
    `${expected} of ${locator}`,
    async () => (await locator.count()) === expected,
    () => locator.count(),
    timeoutOf(options),
  );
export const lacksCount = (locator: Locator, expected: number) =>
  until(
    `not ${expected} of ${locator}`,
    async () => (await locator.count()) !== expected,
    () => locator.count(),
  );
export const isFocused = (locator: Locator) =>
  until(
    `focus on ${locator}`,
    () => locator.evaluate((node) => node === node.ownerDocument.activeElement),
    () => locator.count(),
  );
export const isVisible = (locator: Locator) =>
  until(
    `${locator} visible`,
    () => locator.isVisible(),
    () => locator.count(),
  );
export const hasAttribute = (locator: Locator, name: string, expected: string) =>
  until(
    `${name}="${expected}" on ${locator}`,
    async () => (await locator.getAttribute(name, { timeout: 1000 })) === expected,
    () => locator.getAttribute(name),
  );
