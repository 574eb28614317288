export default async function globalTeardown(): Promise<void> {
  await globalThis.payflowLocalCloud?.stop();
  globalThis.payflowLocalCloud = undefined;
}
