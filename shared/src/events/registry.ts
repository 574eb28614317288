import { BillsIngestFailed, BillsIngested, CustomerDetailsIngested, InvoiceDue } from './billing-ingest';
import {
  OrderConfirmed,
  OrderRejected,
  PaymentTimedOut,
  RefundRequested,
  ShippingUnavailable,
} from './checkout';
import type { EventContract, EventDetailOf } from './contract';
import { CustomerRegistered, CustomerUpdated } from './customers';
import { NotificationFailed } from './notification';
import { PaymentFailed, PaymentRefunded, PaymentSessionExpired, PaymentSucceeded } from './payments';
import { PayoutFailed, PayoutRequested, PayoutSent } from './payouts';

/** Every event on the Payflow bus, keyed by detail-type. */
export const eventContracts = {
  BillsIngested,
  BillsIngestFailed,
  InvoiceDue,
  CustomerDetailsIngested,
  PaymentSucceeded,
  PaymentFailed,
  PaymentSessionExpired,
  PaymentRefunded,
  PayoutRequested,
  PayoutSent,
  PayoutFailed,
  CustomerRegistered,
  CustomerUpdated,
  OrderConfirmed,
  OrderRejected,
  ShippingUnavailable,
  PaymentTimedOut,
  RefundRequested,
  NotificationFailed,
} as const;

export type EventContractRegistry = Readonly<Record<string, EventContract>>;
export type PayflowDetailType = keyof typeof eventContracts;
export type PayflowEventContract = (typeof eventContracts)[PayflowDetailType];

/** A received event narrowed by its detail-type: `switch (event.detailType)` gives typed data. */
export type ReceivedEvent<Registry extends EventContractRegistry> = {
  [DetailType in keyof Registry & string]: {
    source: Registry[DetailType]['source'];
    detailType: DetailType;
    detail: EventDetailOf<Registry[DetailType]>;
  };
}[keyof Registry & string];

export function isPayflowDetailType(detailType: string): detailType is PayflowDetailType {
  return Object.hasOwn(eventContracts, detailType);
}
