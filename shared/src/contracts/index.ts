export * from './invoices-table';
