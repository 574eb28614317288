/* The template files, bundled into the function as text (esbuild's text loader). Unit tests read the same
 * files from disk (test/unit/catalog.ts), so this list is checked against the folder there. */
import type { TemplateCatalog } from './domain/render';
import layout from '../templates/layout.html';
import invoiceDueSubject from '../templates/InvoiceDue/subject.txt';
import invoiceDueText from '../templates/InvoiceDue/email.txt';
import invoiceDueHtml from '../templates/InvoiceDue/email.html';
import invoiceDueSms from '../templates/InvoiceDue/sms.txt';
import paymentSucceededSubject from '../templates/PaymentSucceeded/subject.txt';
import paymentSucceededText from '../templates/PaymentSucceeded/email.txt';
import paymentSucceededHtml from '../templates/PaymentSucceeded/email.html';
import paymentSucceededSms from '../templates/PaymentSucceeded/sms.txt';
import paymentFailedSubject from '../templates/PaymentFailed/subject.txt';
import paymentFailedText from '../templates/PaymentFailed/email.txt';
import paymentFailedHtml from '../templates/PaymentFailed/email.html';
import paymentFailedSms from '../templates/PaymentFailed/sms.txt';
import paymentSessionExpiredSubject from '../templates/PaymentSessionExpired/subject.txt';
import paymentSessionExpiredText from '../templates/PaymentSessionExpired/email.txt';
import paymentSessionExpiredHtml from '../templates/PaymentSessionExpired/email.html';
import paymentSessionExpiredSms from '../templates/PaymentSessionExpired/sms.txt';
import paymentRefundedSubject from '../templates/PaymentRefunded/subject.txt';
import paymentRefundedText from '../templates/PaymentRefunded/email.txt';
import paymentRefundedHtml from '../templates/PaymentRefunded/email.html';
import paymentRefundedSms from '../templates/PaymentRefunded/sms.txt';
import orderConfirmedSubject from '../templates/OrderConfirmed/subject.txt';
import orderConfirmedText from '../templates/OrderConfirmed/email.txt';
import orderConfirmedHtml from '../templates/OrderConfirmed/email.html';
import orderConfirmedSms from '../templates/OrderConfirmed/sms.txt';
import orderRejectedSubject from '../templates/OrderRejected/subject.txt';
import orderRejectedText from '../templates/OrderRejected/email.txt';
import orderRejectedHtml from '../templates/OrderRejected/email.html';
import orderRejectedSms from '../templates/OrderRejected/sms.txt';
import shippingUnavailableSubject from '../templates/ShippingUnavailable/subject.txt';
import shippingUnavailableText from '../templates/ShippingUnavailable/email.txt';
import shippingUnavailableHtml from '../templates/ShippingUnavailable/email.html';
import shippingUnavailableSms from '../templates/ShippingUnavailable/sms.txt';
import paymentTimedOutSubject from '../templates/PaymentTimedOut/subject.txt';
import paymentTimedOutText from '../templates/PaymentTimedOut/email.txt';
import paymentTimedOutHtml from '../templates/PaymentTimedOut/email.html';
import paymentTimedOutSms from '../templates/PaymentTimedOut/sms.txt';
import payoutSentSubject from '../templates/PayoutSent/subject.txt';
import payoutSentText from '../templates/PayoutSent/email.txt';
import payoutSentHtml from '../templates/PayoutSent/email.html';
import payoutSentSms from '../templates/PayoutSent/sms.txt';
import payoutFailedSubject from '../templates/PayoutFailed/subject.txt';
import payoutFailedText from '../templates/PayoutFailed/email.txt';
import payoutFailedHtml from '../templates/PayoutFailed/email.html';
import payoutFailedSms from '../templates/PayoutFailed/sms.txt';

export const templateCatalog: TemplateCatalog = {
  layout,
  events: {
    InvoiceDue: {
      subject: invoiceDueSubject,
      text: invoiceDueText,
      html: invoiceDueHtml,
      sms: invoiceDueSms,
    },
    PaymentSucceeded: {
      subject: paymentSucceededSubject,
      text: paymentSucceededText,
      html: paymentSucceededHtml,
      sms: paymentSucceededSms,
    },
    PaymentFailed: {
      subject: paymentFailedSubject,
      text: paymentFailedText,
      html: paymentFailedHtml,
      sms: paymentFailedSms,
    },
    PaymentSessionExpired: {
      subject: paymentSessionExpiredSubject,
      text: paymentSessionExpiredText,
      html: paymentSessionExpiredHtml,
      sms: paymentSessionExpiredSms,
    },
    PaymentRefunded: {
      subject: paymentRefundedSubject,
      text: paymentRefundedText,
      html: paymentRefundedHtml,
      sms: paymentRefundedSms,
    },
    OrderConfirmed: {
      subject: orderConfirmedSubject,
      text: orderConfirmedText,
      html: orderConfirmedHtml,
      sms: orderConfirmedSms,
    },
    OrderRejected: {
      subject: orderRejectedSubject,
      text: orderRejectedText,
      html: orderRejectedHtml,
      sms: orderRejectedSms,
    },
    ShippingUnavailable: {
      subject: shippingUnavailableSubject,
      text: shippingUnavailableText,
      html: shippingUnavailableHtml,
      sms: shippingUnavailableSms,
    },
    PaymentTimedOut: {
      subject: paymentTimedOutSubject,
      text: paymentTimedOutText,
      html: paymentTimedOutHtml,
      sms: paymentTimedOutSms,
    },
    PayoutSent: {
      subject: payoutSentSubject,
      text: payoutSentText,
      html: payoutSentHtml,
      sms: payoutSentSms,
    },
    PayoutFailed: {
      subject: payoutFailedSubject,
      text: payoutFailedText,
      html: payoutFailedHtml,
      sms: payoutFailedSms,
    },
  },
};
