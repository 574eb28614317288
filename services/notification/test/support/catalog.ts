/** The template catalog read from templates/ on disk: the same files src/templates.ts bundles. */
import fs from 'node:fs';
import path from 'node:path';
import { customerDetailTypes } from '../../src/domain/customer-events';
import type { TemplateCatalog } from '../../src/domain/render';

export const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates');

const read = (...parts: string[]) => fs.readFileSync(path.join(TEMPLATES_DIR, ...parts), 'utf8');

export function catalogFromDisk(): TemplateCatalog {
  const events = Object.fromEntries(
    customerDetailTypes.map((type) => [
      type,
      {
        subject: read(type, 'subject.txt'),
        text: read(type, 'email.txt'),
        html: read(type, 'email.html'),
        sms: read(type, 'sms.txt'),
      },
    ]),
  ) as TemplateCatalog['events'];
  return { layout: read('layout.html'), events };
}
