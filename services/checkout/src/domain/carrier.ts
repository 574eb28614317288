import type { ShippingAddress } from './order';

/** Countries the simulated carrier delivers to; anything else is unserved. */
const SERVED_COUNTRIES = [
  'GB',
  'IE',
  'FR',
  'DE',
  'NL',
  'BE',
  'LU',
  'ES',
  'PT',
  'IT',
  'AT',
  'DK',
  'SE',
  'FI',
  'US',
];

const CARRIER_NAME = 'Payflow Parcel (simulated)';

export type ShippingQuote =
  { available: true; carrier: string; estimatedDays: number } | { available: false; reason: string };

const poBox = /^\s*(p\.?\s*o\.?\s*box|post\s*office\s*box)\b/i;

/**
 * The carrier simulator: a pure function of the address, so a test (or a person with curl) picks the outcome.
 * Unserved: a country outside SERVED_COUNTRIES (e.g. AQ, Antarctica), a PO box, and the Scottish islands'
 * postcode areas HS and ZE. Served: everything else, in 2 days domestically (GB) and 4 days abroad.
 */
export function quoteShipping(address: ShippingAddress): ShippingQuote {
  const country = address.country?.trim().toUpperCase() ?? '';
  if (!SERVED_COUNTRIES.includes(country)) {
    return {
      available: false,
      reason: `Our carrier does not deliver to ${country || 'an address without a country'}.`,
    };
  }
  if (poBox.test(address.line1 ?? '') || poBox.test(address.line2 ?? '')) {
    return { available: false, reason: 'Our carrier does not deliver to PO boxes.' };
  }
  const postalCode = address.postalCode?.trim().toUpperCase() ?? '';
  if (country === 'GB' && /^(HS|ZE)\d/.test(postalCode)) {
    return { available: false, reason: `Our carrier does not deliver to postcode ${postalCode}.` };
  }
  return { available: true, carrier: CARRIER_NAME, estimatedDays: country === 'GB' ? 2 : 4 };
}
