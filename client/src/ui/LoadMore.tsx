import { useEffect, useState, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../graphql/errors.ts';
import { Alert } from './Alert.tsx';
import { Button } from './Button.tsx';

interface LoadMoreProps {
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
  /** How many rows the list shows now. */
  rows: number;
  /** Fetches the page after `after`; the cache appends it to the list. */
  load(after: string): Promise<unknown>;
  /** The table whose first new row takes focus once the page arrives, so keyboard users carry on there. */
  table?: RefObject<HTMLTableElement | null>;
  /** For lists that are not tables: moves focus to the item at `index`, the first of the new page. */
  focusItem?(index: number): void;
  /** Shown beside the button, e.g. "Showing 50 of 120". */
  children?: ReactNode;
}

/** "Load more" under a cursor-paginated list: progress, a failure message, focus on what arrived. */
export function LoadMore({ pageInfo, rows, load, table, focusItem, children }: LoadMoreProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [focusRow, setFocusRow] = useState<number | null>(null);

  useEffect(() => {
    if (focusRow === null || rows <= focusRow) return;
    if (focusItem) focusItem(focusRow);
    else table?.current?.querySelectorAll<HTMLElement>('tbody tr > td:first-child')[focusRow]?.focus();
    setFocusRow(null);
  }, [focusRow, rows, table, focusItem]);

  async function loadNext() {
    const after = pageInfo?.endCursor;
    if (!after) return;
    const before = rows;
    setBusy(true);
    setProblem(null);
    try {
      await load(after);
      setFocusRow(before);
    } catch (failure) {
      setProblem(describeError(failure, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {pageInfo?.hasNextPage && (
        <div className="actions">
          {children}
          <Button variant="secondary" busy={busy} onClick={() => void loadNext()}>
            {t('common:loadMore')}
          </Button>
        </div>
      )}
      {problem && <Alert>{problem}</Alert>}
    </>
  );
}
