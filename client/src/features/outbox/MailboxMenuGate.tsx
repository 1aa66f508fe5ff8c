import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { LocalMailboxAvailableDocument } from '../../graphql/__generated__/operations.ts';

/**
 * Shows the mailbox's menu entry only where there is a local mailbox: in the embedded default,
 * not when mail goes out over SMTP. Rendered only for holders of notification.manage.
 */
export function MailboxMenuGate({ children }: { children: ReactNode }) {
  const { data } = useQuery(LocalMailboxAvailableDocument, { fetchPolicy: 'cache-first' });
  return data?.localMailbox ? <>{children}</> : null;
}
