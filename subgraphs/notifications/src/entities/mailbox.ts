import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';

/**
 * The embedded default's local mailbox: every mail any subgraph sent, kept for the web app to show
 * (a newcomer sees what the platform sends). `mailId` is the sender's mail_message id: a mail
 * delivered twice is kept once.
 */
export const LocalMailSchema = defineEntity({
  name: 'LocalMail',
  tableName: 'local_mail',
  filters: tenantScoped('organizationId'),
  indexes: [{ properties: ['organizationId', 'createdAt'] }],
  properties: {
    id: p.string().primary(),
    organizationId: p.string().nullable(),
    mailId: p.string().unique(),
    source: p.string().length(32),
    kind: p.string().length(64),
    to: p.string().fieldName('recipient'),
    subject: p.string().length(500),
    text: p.text(),
    html: p.text().nullable(),
    /** Names of the files the mail carried (their bytes stay with the sender). */
    attachments: p.json<string[]>(),
    createdAt: p.datetime(),
  },
});
export class LocalMail extends LocalMailSchema.class {}
LocalMailSchema.setClass(LocalMail);
