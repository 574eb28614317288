import fs from 'node:fs';
import path from 'node:path';
import { eventContracts } from '@payflow/shared';
import { customerDetailTypes, type CustomerEvent } from '../../src/domain/customer-events';
import { longDate, messageViewOf, plainText } from '../../src/domain/message-view';
import { measureSms, renderEmail, renderSms } from '../../src/domain/render';
import { catalogFromDisk, TEMPLATES_DIR } from '../support/catalog';
import { contractExample } from '../support/contract-fixtures';

const catalog = catalogFromDisk();

function example(
  detailType: string,
  change: (data: Record<string, unknown>) => void = () => undefined,
): CustomerEvent {
  const event = contractExample(detailType);
  change(event.detail.data);
  const contract = eventContracts[detailType as keyof typeof eventContracts];
  return {
    source: contract.source,
    detailType,
    detail: contract.detailSchema.parse(event.detail),
  } as CustomerEvent;
}

describe('every customer event renders from its template files', () => {
  it.each(customerDetailTypes)(
    '%s: a subject, text and HTML e-mail and an SMS with every placeholder filled',
    (type) => {
      const event = example(type);
      const view = messageViewOf(event);
      const email = renderEmail(catalog, type, view);
      const sms = renderSms(catalog, type, view);
      for (const text of [email.subject, email.text, email.html, sms.text])
        expect(text).not.toMatch(/\{\{|\}\}/);
      for (const text of [email.text, email.html, sms.text]) expect(text).toContain(view.amount);
      expect(email.subject).toMatch(/^\S.{10,}\S$/);
      expect(email.html).toMatch(/^<!doctype html>/);
      expect(email.html).toContain(`<title>${email.subject}</title>`);
    },
  );

  it('says how much, for which invoice, by when, in words no reader gets wrong', () => {
    const email = renderEmail(catalog, 'InvoiceDue', messageViewOf(example('InvoiceDue')));
    expect(email.subject).toBe('Invoice 10452: 125.50 EUR due by 5 December 2026');
    expect(email.text).toContain('Dear Grace Hopper,');
  });

  it('shows amounts exactly in minor units of their currency (JPY has none)', () => {
    const view = messageViewOf(example('PaymentTimedOut'));
    expect(view.amount).toBe('1500 JPY');
  });

  it('names the card by brand and last four digits only', () => {
    const email = renderEmail(catalog, 'PaymentSucceeded', messageViewOf(example('PaymentSucceeded')));
    expect(email.text).toContain('Card: Visa ending 4242');
  });
});

describe('customer values are escaped', () => {
  const injected = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
  const event = example('InvoiceDue', (data) => {
    data.customerName = injected;
  });
  const email = renderEmail(catalog, 'InvoiceDue', messageViewOf(event));

  it('escapes a name in the HTML e-mail, so it is shown and never run', () => {
    expect(email.html).not.toContain('<script');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;&#x2F;script&gt; &amp; &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;',
    );
  });

  it('keeps the name as typed in the plain-text e-mail', () => {
    expect(email.text).toContain(`Dear ${injected},`);
  });

  it('turns line breaks in a value into spaces, so no header or extra SMS line can be forged', () => {
    const view = messageViewOf(
      example('PaymentFailed', (data) => {
        data.reason = 'Declined\r\nBcc: everyone@example.com\u2028again';
      }),
    );
    expect(view.reason).toBe('Declined Bcc: everyone@example.com again');
    expect(plainText('  a\t\tb\u0000c ')).toBe('a b c');
  });
});

describe('SMS length', () => {
  it('fits a typical message in one GSM-7 segment', () => {
    const sms = renderSms(catalog, 'PaymentSucceeded', messageViewOf(example('PaymentSucceeded')));
    expect(sms).toMatchObject({ segments: 1, encoding: 'GSM-7', shortened: [] });
    expect(sms.text.length).toBeLessThanOrEqual(160);
  });

  it('leaves out a name that would need UCS-2 (70 characters a segment) to stay in one GSM-7 segment', () => {
    const view = messageViewOf(
      example('InvoiceDue', (data) => {
        data.customerName = 'Zoë Ωmega';
      }),
    );
    const sms = renderSms(catalog, 'InvoiceDue', view);
    expect(sms).toMatchObject({ segments: 1, encoding: 'GSM-7', shortened: ['customerName'] });
    expect(sms.text).not.toContain('Zoë');
  });

  it('keeps a name that fits', () => {
    const sms = renderSms(catalog, 'InvoiceDue', messageViewOf(example('InvoiceDue')));
    expect(sms.text).toContain('Grace Hopper, invoice 10452');
    expect(sms.segments).toBe(1);
  });

  it('cuts a long reason short with "..." to fit one segment', () => {
    const view = messageViewOf(
      example('OrderRejected', (data) => {
        data.reason = 'The card issuer declined the payment because '.repeat(10);
      }),
    );
    const sms = renderSms(catalog, 'OrderRejected', view);
    expect(sms.segments).toBe(1);
    expect(sms.shortened).toEqual(['reason']);
    expect(sms.text).toContain('The card issuer declined');
    expect(sms.text).toMatch(/\.\.\. Nothing was charged\.$/);
    expect(sms.text.length).toBeGreaterThan(140);
  });

  it('counts the segments of a message that cannot be shortened to one', () => {
    const view = messageViewOf(
      example('OrderConfirmed', (data) => {
        data.orderId = `ord-${'x'.repeat(120)}`;
      }),
    );
    const sms = renderSms(catalog, 'OrderConfirmed', view);
    expect(sms.segments).toBe(2);
    expect(sms.shortened).toEqual([]);
  });

  it('counts GSM-7 extension characters twice and UCS-2 messages at 70 a segment', () => {
    expect(measureSms('a'.repeat(160))).toEqual({ segments: 1, encoding: 'GSM-7' });
    expect(measureSms('a'.repeat(161))).toEqual({ segments: 2, encoding: 'GSM-7' });
    expect(measureSms('€'.repeat(81))).toEqual({ segments: 2, encoding: 'GSM-7' });
    expect(measureSms('ж'.repeat(70))).toEqual({ segments: 1, encoding: 'UCS-2' });
    expect(measureSms('ж'.repeat(71))).toEqual({ segments: 2, encoding: 'UCS-2' });
  });
});

describe('dates', () => {
  it('writes ISO dates and date-times as day, month name and year', () => {
    expect(longDate('2026-12-05')).toBe('5 December 2026');
    expect(longDate('2026-11-21T10:15:00.000Z')).toBe('21 November 2026');
  });
});

describe('the bundled catalog', () => {
  it('imports every template file of every customer event (src/templates.ts is what the function ships)', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'templates.ts'), 'utf8');
    const imported = [...source.matchAll(/from '\.\.\/templates\/([^']+)'/g)].map((match) => match[1]);
    const onDisk = [
      'layout.html',
      ...customerDetailTypes.flatMap((type) =>
        ['subject.txt', 'email.txt', 'email.html', 'sms.txt'].map((file) => `${type}/${file}`),
      ),
    ];
    expect(imported.sort()).toEqual(onDisk.sort());
    for (const file of onDisk) expect(fs.existsSync(path.join(TEMPLATES_DIR, file))).toBe(true);
  });
});
