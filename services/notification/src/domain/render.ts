import Mustache from 'mustache';
import { SegmentedMessage } from 'sms-segments-calculator';
import type { CustomerDetailType } from './customer-events';
import type { MessageView } from './message-view';

/** The template files of one event type (templates/<DetailType>/), as text. */
interface EventTemplates {
  subject: string;
  text: string;
  html: string;
  sms: string;
}

/** Every event's templates plus the HTML frame they share (templates/layout.html). */
export interface TemplateCatalog {
  layout: string;
  events: Record<CustomerDetailType, EventTemplates>;
}

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

export interface SmsMessage {
  text: string;
  /** Parts the network splits it into: 1 up to 160 GSM-7 characters (70 UCS-2), then 153 (67) per part. */
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  /** What was left out to fit one segment, if anything. */
  shortened: Array<'customerName' | 'reason'>;
}

/** Plain text output: values go in as they are (a name like `<b>` is shown, never interpreted). */
const asIs = { escape: (value: unknown) => String(value) };

function renderText(template: string, view: MessageView): string {
  return Mustache.render(template, view, undefined, asIs);
}

/** HTML output: Mustache's default escaping of & < > " ' / ` = on every {{value}}; templates use no {{{raw}}}. */
function renderHtml(layout: string, body: string, view: MessageView & { subject: string }): string {
  return Mustache.render(layout, view, { body });
}

export function renderEmail(
  catalog: TemplateCatalog,
  detailType: CustomerDetailType,
  view: MessageView,
): EmailMessage {
  const templates = catalog.events[detailType];
  const subject = renderText(templates.subject, view).replace(/\s+/g, ' ').trim();
  return {
    subject,
    text: `${renderText(templates.text, view).trim()}\n`,
    html: renderHtml(catalog.layout, templates.html, { ...view, subject }),
  };
}

export function measureSms(text: string): Pick<SmsMessage, 'segments' | 'encoding'> {
  const message = new SegmentedMessage(text, 'auto');
  return { segments: message.segmentsCount, encoding: message.getEncodingName() as SmsMessage['encoding'] };
}

const ELLIPSIS = '...'; // '…' is not GSM-7: it alone would halve what fits.

/**
 * One segment where possible: the full text; else without the customer's name (the one value that can pull
 * in UCS-2, as in 'Zoë'); else with the reason cut short. Otherwise it is sent as it is, its segments counted.
 */
export function renderSms(
  catalog: TemplateCatalog,
  detailType: CustomerDetailType,
  view: MessageView,
): SmsMessage {
  const template = catalog.events[detailType].sms;
  const attempt = (candidate: MessageView, shortened: SmsMessage['shortened']): SmsMessage => {
    const text = renderText(template, candidate).replace(/\s+/g, ' ').trim();
    return { text, ...measureSms(text), shortened };
  };
  const full = attempt(view, []);
  if (full.segments === 1) return full;

  const shortened: SmsMessage['shortened'] = [];
  let candidate: MessageView = view;
  if (view.customerName !== undefined) {
    const { customerName: _dropped, ...rest } = view;
    candidate = rest;
    shortened.push('customerName');
    const nameless = attempt(candidate, [...shortened]);
    if (nameless.segments === 1) return nameless;
  }
  const reason = candidate.reason;
  if (reason !== undefined) {
    shortened.push('reason');
    // The longest cut of the reason that still fits: binary search over its length.
    let low = 0;
    let high = reason.length - 1;
    let best: SmsMessage | undefined;
    while (low <= high) {
      const middle = Math.floor((low + high) / 2);
      const cut = `${reason.slice(0, middle).trimEnd()}${ELLIPSIS}`;
      const result = attempt({ ...candidate, reason: cut }, [...shortened]);
      if (result.segments === 1) {
        best = result;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (best) return best;
  }
  return full;
}
