/**
 * Who may call what (the README's route table), at the edge: customers open an invoice with its pay link or access
 * code, merchants, services and operators show bearer tokens, and failed attempts slow strangers down.
 */
import {
  bearerAuthFromEnv,
  fingerprintKey,
  NotFoundError,
  payLinkKey,
  TooManyRequestsError,
  type BearerAuth,
  type HttpEvent,
  type Principal,
} from '@payflow/shared';
import { createHmac } from 'node:crypto';
import { invoiceCredential, opensInvoice } from './domain/access';
import { mayActOnCustomer, type Customer } from './domain/customer';
import { invoiceNotFound } from './domain/invoice';
import { isDeclineByBank, type Payment } from './domain/payment';
import { retryAfterSeconds, type AttemptLimit } from './domain/throttle';
import { services } from './wiring';

let bearer: BearerAuth | undefined;

/** The caller's verified token, with `scope` (or one of several); 401 / 403 otherwise. */
export function authorize(
  headers: Record<string, string | undefined>,
  scope: string | string[],
): Promise<Principal> {
  bearer ??= bearerAuthFromEnv();
  return bearer(headers, scope);
}

/** Operators read and act on everything; a merchant or service only on what it owns. */
export function isOperator(principal: Principal): boolean {
  return principal.scopes.includes('payments/admin') || principal.groups.includes('operators');
}

/** The caller as the customer and payout rules see it: the merchant it acts for, and whether it operates Payflow. */
export function callerOf(principal: Principal): { merchantId: string; operator: boolean } {
  return { merchantId: principal.clientId, operator: isOperator(principal) };
}

/** The customer, when the caller may act on it; another merchant's customer answers as one that does not exist. */
export async function customerFor(principal: Principal, customerId: string): Promise<Customer> {
  const customer = await services().customers.get(customerId);
  if (!customer || !mayActOnCustomer(customer, callerOf(principal)))
    throw new NotFoundError(`Customer ${customerId} was not found`);
  return customer;
}

/** A merchant or service reads the payments of its own sessions; an operator reads every payment. */
export function mayRead(principal: Principal, payment: Payment): boolean {
  if (isOperator(principal)) return true;
  return payment.subject.kind === 'session' && payment.subject.merchantId === principal.clientId;
}

/** The client's address as API Gateway saw it. */
export function clientAddress(event: HttpEvent): string {
  const context = event.requestContext as
    { http?: { sourceIp?: string }; identity?: { sourceIp?: string } } | undefined;
  return context?.http?.sourceIp ?? context?.identity?.sourceIp ?? 'unknown';
}

async function refuseWhenOverLimit(checks: { limit: AttemptLimit; subject: string }[], what: string) {
  const now = new Date();
  const counts = await services().attempts.counts(checks, now);
  const wait = Math.max(...counts.map((count) => retryAfterSeconds(count.limit, count, now)));
  if (wait > 0) throw new TooManyRequestsError(`Too many ${what}; try again later.`, wait);
}

/**
 * Opens an invoice for a customer who shows its pay link or its number with the access code. No credential, a
 * wrong one or an expired link answers exactly as an unknown invoice does; wrong codes are counted and, past a
 * limit per invoice or per client, refused with 429 before they are even checked.
 */
export async function openInvoice(event: HttpEvent, invoiceId: string): Promise<void> {
  const credential = invoiceCredential((event.headers ?? {}) as Record<string, string | undefined>);
  const { limits } = services().config;
  const checks = [
    { limit: limits.wrongCodesPerInvoice, subject: invoiceId },
    { limit: limits.wrongCodesPerClient, subject: clientAddress(event) },
  ];
  if (credential.kind === 'access-code')
    await refuseWhenOverLimit(checks, 'attempts with a wrong access code');
  if (opensInvoice(credential, invoiceId, await payLinkKey(), new Date())) return;
  if (credential.kind === 'access-code') await services().attempts.add(checks, new Date());
  throw invoiceNotFound(invoiceId);
}

/** A card as the counters know it: a keyed hash, never the number. */
async function cardSubject(cardNumber: string): Promise<string> {
  const digits = cardNumber.replace(/\D/g, '');
  return createHmac('sha256', await fingerprintKey())
    .update(`card\n${digits}`)
    .digest('base64url')
    .slice(0, 32);
}

async function declineChecks(cardNumber: string, client: string) {
  const { limits } = services().config;
  return [
    { limit: limits.declinesPerCard, subject: await cardSubject(cardNumber) },
    { limit: limits.declinesPerClient, subject: client },
  ];
}

/** Past the declines limit for this card or this client: 429 with Retry-After, and the bank is not asked. */
export async function refuseCardTesting(cardNumber: string, client: string): Promise<void> {
  await refuseWhenOverLimit(await declineChecks(cardNumber, client), 'declined payments');
}

/** Counts a decline by the bank (not a charge that never reached it) against the card and the client. */
export async function countDecline(payment: Payment, cardNumber: string, client: string): Promise<void> {
  if (payment.status !== 'FAILED' || !isDeclineByBank(payment)) return;
  await services().attempts.add(await declineChecks(cardNumber, client), new Date());
}
