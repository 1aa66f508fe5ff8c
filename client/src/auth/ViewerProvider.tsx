import { useQuery } from '@apollo/client/react';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { ViewerDocument, type ViewerQuery } from '../graphql/__generated__/operations.ts';
import { QueryState } from '../ui/QueryState.tsx';

export type Viewer = NonNullable<ViewerQuery['viewer']>;

interface ViewerContextValue {
  viewer: Viewer;
  /** Whether the signed-in user holds a permission in the current organization. */
  can(permission: string): boolean;
}

const ViewerContext = createContext<ViewerContextValue | null>(null);

/** Loads who is signed in, where and with what permissions, once for every page below it. */
export function ViewerProvider({ children }: { children: ReactNode }) {
  const { data, loading, error, refetch } = useQuery(ViewerDocument);
  const viewer = data?.viewer;
  const can = useCallback((permission: string) => viewer?.permissions.includes(permission) ?? false, [viewer]);
  const value = useMemo(() => (viewer ? { viewer, can } : null), [viewer, can]);
  return (
    <QueryState loading={loading} error={error} hasData={Boolean(value)} retry={() => void refetch()}>
      {value && <ViewerContext.Provider value={value}>{children}</ViewerContext.Provider>}
    </QueryState>
  );
}

export function useViewer(): ViewerContextValue {
  const value = useContext(ViewerContext);
  if (!value) throw new Error('useViewer() needs a <ViewerProvider> above it');
  return value;
}
