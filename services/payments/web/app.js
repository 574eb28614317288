// The billing page: look up an invoice (or a payment session from ?session=), pay it by card, show the result.
// Plain browser JavaScript, no build step; the API address comes from config.json.
'use strict';

const $ = (id) => document.getElementById(id);
// `access` is what opens the invoice: the pay link's token from the reminder, or the access code typed with it.
const state = { apiUrl: '', invoice: null, session: null, idempotencyKey: null, paying: false, access: {} };

function decimalsOf(currency) {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
}

function formatMoney({ amount, currency }) {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(
    amount / 10 ** decimalsOf(currency),
  );
}

/** '30.00' -> 3000 minor units, without floating point; a message when it cannot be read. */
function parseAmount(text, currency) {
  const decimals = decimalsOf(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return { error: 'Enter an amount like ' + (decimals ? '12.50' : '1250') + '.' };
  const fraction = match[2] || '';
  if (fraction.length > decimals)
    return { error: `${currency} amounts have ${decimals} decimal places at most.` };
  return { amount: Number(match[1] + fraction.padEnd(decimals, '0')) };
}

function luhnValid(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function setError(id, message, inputIds = []) {
  $(id).textContent = message || '';
  for (const inputId of inputIds) $(inputId).setAttribute('aria-invalid', message ? 'true' : 'false');
  return !message;
}

function problemMessage(problem, fallback) {
  if (!problem || typeof problem !== 'object') return fallback;
  const details = (problem.errors || []).map((e) => `${e.path.replace(/^body\./, '')}: ${e.message}`);
  return [problem.detail || problem.title || fallback, ...details].join(' — ');
}

async function callApi(path, options = {}) {
  const headers = { ...(options.headers || {}), ...(state.session ? {} : state.access) };
  const response = await fetch(state.apiUrl + path, { ...options, headers });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { detail: text };
  }
  return { status: response.status, body };
}

function amountDue() {
  if (state.session)
    return state.session.status === 'CREATED' ? state.session.amount : { ...state.session.amount, amount: 0 };
  return state.invoice ? state.invoice.balance : null;
}

function showInvoice(invoice) {
  state.invoice = invoice;
  state.session = null;
  $('invoice-heading').firstChild.textContent = 'Invoice ';
  $('invoice-number').textContent = invoice.invoiceId;
  $('customer-name').textContent = invoice.customerName;
  $('balance').textContent = formatMoney(invoice.balance);
  $('status').textContent = invoice.status.replace('_', ' ').toLowerCase();
  $('due-date').textContent = invoice.dueDate || '—';
  $('invoice').hidden = false;
  $('nothing-due').textContent = 'Nothing is due on this invoice.';
  preparePayForm();
}

function showSession(session) {
  state.session = session;
  state.invoice = null;
  $('invoice-heading').firstChild.textContent = 'Order ';
  $('invoice-number').textContent = session.orderId;
  $('customer-name').textContent = session.merchantId || '—';
  // Only an open session has anything due; a paid, declined, closed or expired one shows nothing owed.
  $('balance').textContent = formatMoney(
    session.status === 'CREATED' ? session.amount : { ...session.amount, amount: 0 },
  );
  $('status').textContent = session.status.toLowerCase();
  $('due-date').textContent = new Date(session.expiresAt).toLocaleString();
  $('invoice').hidden = false;
  $('amount').readOnly = true;
  $('nothing-due').textContent = 'Nothing is due on this order.';
  preparePayForm();
  // A session whose order was decided (declined card, cancelled, timed out) takes no card: say why.
  if (session.status === 'CLOSED' || session.status === 'DECLINED' || session.status === 'EXPIRED') {
    $('nothing-due').textContent =
      session.status === 'EXPIRED'
        ? 'This payment link has expired; the order is closed and nothing was charged.'
        : `This order is closed: ${session.closedReason || 'it no longer takes a payment'}.`;
  }
}

function preparePayForm() {
  const due = amountDue();
  const nothingDue = !due || due.amount <= 0;
  $('pay-form').hidden = false;
  $('nothing-due').hidden = !nothingDue;
  $('pay-button').disabled = nothingDue;
  $('amount-currency').textContent = due ? due.currency : '';
  const decimals = due ? decimalsOf(due.currency) : 2;
  $('amount').value = due && !nothingDue ? (due.amount / 10 ** decimals).toFixed(decimals) : '';
  newAttempt();
  updateChannelFields();
}

/** A new Idempotency-Key whenever the payer changes what they are paying; a double click reuses the key. */
function newAttempt() {
  state.idempotencyKey = crypto.randomUUID();
}

function updateChannelFields() {
  $('email-field').hidden = Boolean(state.invoice) || !$('notify-email').checked;
  $('phone-field').hidden = Boolean(state.invoice) || !$('notify-sms').checked;
  $('receipt-note').hidden = !state.invoice;
}

function readPayment() {
  const due = amountDue();
  let valid = true;
  const amount = parseAmount($('amount').value, due.currency);
  if (amount.error) valid = setError('amount-error', amount.error, ['amount']) && valid;
  else if (amount.amount <= 0)
    valid = setError('amount-error', 'Enter an amount above zero.', ['amount']) && valid;
  else if (amount.amount > due.amount) {
    valid = setError('amount-error', `You can pay at most ${formatMoney(due)}.`, ['amount']) && valid;
  } else setError('amount-error', '', ['amount']);

  const holderName = $('card-holder').value.trim();
  valid =
    setError('card-holder-error', holderName ? '' : 'Enter the name on the card.', ['card-holder']) && valid;

  const number = $('card-number').value.replace(/[\s-]/g, '');
  const numberError = !/^\d{13,19}$/.test(number)
    ? 'Enter the 13 to 19 digits of the card number.'
    : !luhnValid(number)
      ? 'This card number is not valid: please check it.'
      : '';
  valid = setError('card-number-error', numberError, ['card-number']) && valid;

  const month = Number($('expiry-month').value);
  let year = Number($('expiry-year').value);
  if (year < 100) year += 2000;
  const now = new Date();
  const expiryError =
    !/^\d{1,2}$/.test($('expiry-month').value.trim()) || month < 1 || month > 12
      ? 'Enter the expiry month as 1 to 12.'
      : !/^\d{2}(\d{2})?$/.test($('expiry-year').value.trim())
        ? 'Enter the expiry year as 2 or 4 digits.'
        : Date.UTC(year, month, 1) <= now.getTime()
          ? 'This card has expired.'
          : '';
  valid = setError('expiry-error', expiryError, ['expiry-month', 'expiry-year']) && valid;

  const cvv = $('cvv').value.trim();
  const cvvLength = /^3[47]/.test(number) ? 4 : 3;
  valid =
    setError(
      'cvv-error',
      new RegExp(`^\\d{${cvvLength}}$`).test(cvv) ? '' : `Enter the ${cvvLength}-digit security code.`,
      ['cvv'],
    ) && valid;

  const channels = [];
  const notification = {};
  // An invoice's receipt goes to the contact details on the bill: only the channels are chosen here.
  const addressed = !state.invoice;
  if ($('notify-email').checked) channels.push('email');
  if ($('notify-sms').checked) channels.push('sms');
  if (addressed && $('notify-email').checked) {
    notification.email = $('email').value.trim();
    valid =
      setError(
        'email-error',
        /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(notification.email) ? '' : 'Enter your email address.',
        ['email'],
      ) && valid;
  } else setError('email-error', '', ['email']);
  if (addressed && $('notify-sms').checked) {
    notification.phone = $('phone').value.replace(/[\s()-]/g, '');
    valid =
      setError(
        'phone-error',
        /^\+[1-9]\d{6,14}$/.test(notification.phone)
          ? ''
          : 'Enter your mobile number with its country code, e.g. +447700900123.',
        ['phone'],
      ) && valid;
  } else setError('phone-error', '', ['phone']);
  valid =
    setError('channels-error', channels.length ? '' : 'Choose email, SMS or both for your receipt.') && valid;

  if (!valid) return null;
  const card = { number, expiryMonth: month, expiryYear: year, cvv, holderName };
  return {
    amount: { amount: amount.amount, currency: due.currency },
    card,
    notification: { channels, ...notification },
  };
}

function showResult(payment) {
  const result = $('result');
  const card = `${payment.card.brand} ending ${payment.card.last4}`;
  const headings = { SUCCEEDED: 'Payment received', FAILED: 'Payment declined', PENDING: 'Payment pending' };
  result.className =
    payment.status === 'SUCCEEDED' ? 'succeeded' : payment.status === 'FAILED' ? 'failed' : '';
  $('result-heading').textContent = headings[payment.status] || `Payment ${payment.status.toLowerCase()}`;
  const parts = [`${formatMoney(payment.amount)} with ${card}.`];
  if (payment.reason) parts.push(payment.reason);
  parts.push(`Reference ${payment.paymentId}.`);
  $('result-detail').textContent = parts.join(' ');
  // The card is done with: nothing of it stays on the page.
  $('card-number').value = '';
  $('cvv').value = '';
  result.hidden = false;
}

async function lookUp(event) {
  event.preventDefault();
  const invoiceId = $('invoice-id').value.trim();
  const accessCode = $('access-code').value.trim();
  $('result').hidden = true;
  if (!setError('lookup-error', invoiceId ? '' : 'Enter the invoice number from your bill.', ['invoice-id']))
    return;
  if (
    !setError('lookup-error', accessCode ? '' : 'Enter the access code from your reminder.', ['access-code'])
  )
    return;
  state.access = { 'x-access-code': accessCode };
  await openInvoice(invoiceId);
}

/** Looks the invoice up with what opens it (state.access) and shows it, or the server's problem. */
async function openInvoice(invoiceId) {
  $('lookup-button').disabled = true;
  try {
    const { status, body } = await callApi(`/invoices/${encodeURIComponent(invoiceId)}`);
    if (status !== 200) {
      $('invoice').hidden = true;
      $('pay-form').hidden = true;
      setError('lookup-error', problemMessage(body, `Could not look up the invoice (HTTP ${status}).`), [
        'invoice-id',
      ]);
      return;
    }
    showInvoice(body);
  } catch {
    setError('lookup-error', 'The billing service cannot be reached. Please try again.');
  } finally {
    $('lookup-button').disabled = false;
  }
}

async function pay(event) {
  event.preventDefault();
  if (state.paying) return; // a double click sends nothing more; a retry after an error reuses the same key
  setError('pay-error', '');
  const payment = readPayment();
  if (!payment) return;
  state.paying = true;
  $('pay-button').disabled = true;
  const path = state.session
    ? `/payment-sessions/${encodeURIComponent(state.session.sessionId)}/pay`
    : `/invoices/${encodeURIComponent(state.invoice.invoiceId)}/payments`;
  const body = state.session ? { card: payment.card, notification: payment.notification } : payment;
  try {
    const { status, body: answer } = await callApi(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': state.idempotencyKey },
      body: JSON.stringify(body),
    });
    if ([201, 202, 402].includes(status)) {
      showResult(answer);
      if (answer.invoice) showInvoice(answer.invoice);
      else if (answer.session) showSession(answer.session);
      else newAttempt();
    } else {
      setError('pay-error', problemMessage(answer, `The payment could not be made (HTTP ${status}).`));
    }
  } catch {
    setError(
      'pay-error',
      'The billing service cannot be reached. Please try again; you will not be charged twice.',
    );
  } finally {
    state.paying = false;
    const due = amountDue();
    $('pay-button').disabled = !due || due.amount <= 0;
  }
}

async function start() {
  try {
    const config = await (await fetch('config.json', { cache: 'no-store' })).json();
    state.apiUrl = String(config.apiUrl).replace(/\/$/, '');
  } catch {
    setError('lookup-error', 'This page is not configured (config.json is missing).');
    return;
  }
  $('lookup-form').addEventListener('submit', lookUp);
  $('pay-form').addEventListener('submit', pay);
  $('notify-email').addEventListener('change', updateChannelFields);
  $('notify-sms').addEventListener('change', updateChannelFields);
  // Whatever the payer changes makes a new attempt; an unchanged retry keeps its key.
  $('pay-form').addEventListener('input', () => {
    if (!state.paying) newAttempt();
  });
  updateChannelFields();
  const params = new URLSearchParams(location.search);
  const sessionId = params.get('session');
  const linkedInvoice = params.get('invoice');
  if (linkedInvoice && params.get('token')) {
    // The reminder's pay link: the token opens this one invoice; nothing to type.
    state.access = { 'x-pay-link': params.get('token') };
    $('invoice-id').value = linkedInvoice;
    $('lookup-form').hidden = true;
    await openInvoice(linkedInvoice);
    if (!state.invoice) $('lookup-form').hidden = false;
  } else if (sessionId) {
    $('lookup-form').hidden = true;
    const { status, body } = await callApi(`/payment-sessions/${encodeURIComponent(sessionId)}`);
    if (status === 200) showSession(body);
    else setError('pay-error', problemMessage(body, `Could not load the payment (HTTP ${status}).`));
    if (status !== 200) $('pay-form').hidden = false;
  }
}

document.addEventListener('DOMContentLoaded', () => void start());
// Under `npm start` the local cloud serves its console beside this page; a deployed page has none.
document.addEventListener('DOMContentLoaded', () => {
  if (['localhost', '127.0.0.1'].includes(location.hostname)) $('local-console').hidden = false;
});
