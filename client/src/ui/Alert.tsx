import type { ReactNode } from 'react';

/** A message in a live region: errors interrupt (alert), everything else waits its turn (status). */
export function Alert({ tone = 'error', title, children, action }: { tone?: 'error' | 'success' | 'info' | 'warning'; title?: ReactNode; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="alert__body">
        {title && <p className="alert__title">{title}</p>}
        {children && <div>{children}</div>}
      </div>
      {action && <div className="alert__action">{action}</div>}
    </div>
  );
}
