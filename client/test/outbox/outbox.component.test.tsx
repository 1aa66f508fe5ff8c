import { render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { ViewerProvider } from '../../src/auth/ViewerProvider.tsx';
import { sanitizedMailHtml } from '../../src/features/outbox/mailHtml.tsx';
import OutboxPage from '../../src/features/outbox/OutboxPage.tsx';
import { LocalMailboxDocument } from '../../src/graphql/__generated__/operations.ts';
import { renderWithApp } from '../support/render.tsx';
import { ADMIN_PERMISSIONS, viewerAnswer } from '../notifications/fixtures.tsx';

const page = (
  <ViewerProvider>
    <OutboxPage />
  </ViewerProvider>
);

function mail(id: string, to: string, subject: string, html: string | null) {
  return { __typename: 'LocalMail', id, to, subject, text: `Hello,\n\n${subject}.\n`, html, source: 'notifications', kind: 'announcement', createdAt: new Date().toISOString() };
}

function mailboxAnswer(nodes: ReturnType<typeof mail>[] | null) {
  return {
    request: { query: LocalMailboxDocument, variables: { first: 25, after: null } },
    result: {
      data: {
        localMailbox: nodes && { __typename: 'LocalMailConnection', pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null }, nodes },
      },
    },
  };
}

describe('a mail’s HTML in the app', () => {
  it('keeps text, structure and web links, and drops scripts, styles, images, handlers and other links', () => {
    const html = `<html><head><style>p{color:red}</style><script>window.evil=1</script></head><body>
      <h1 style="font-size:40px">Welcome</h1>
      <p onclick="alert(1)">Read the <a href="https://app.example/notifications" onmouseover="x()">notifications</a> or <a href="javascript:alert(1)">this</a>.</p>
      <img src="https://tracker.example/pixel.gif" alt="Logo"><iframe src="https://evil.example"></iframe>
      <table><tr><td>Plan</td><td>Pro</td></tr></table></body></html>`;
    const { container } = render(<div>{sanitizedMailHtml(html)}</div>);
    expect(container.querySelector('script, style, img, iframe, h1')).toBeNull();
    expect(container.querySelector('[style], [onclick], [onmouseover]')).toBeNull();
    expect(container.textContent).toContain('Welcome');
    expect(container.textContent).toContain('[Logo]');
    expect(container.textContent).not.toContain('window.evil');
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute('href', 'https://app.example/notifications');
    expect(links[0]).toHaveAttribute('rel', 'noopener noreferrer');
    expect(screen.getByRole('cell', { name: 'Pro' })).toBeInTheDocument();
  });
});

describe('the local mailbox page', () => {
  it('lists mail newest first and opens one as HTML and text', async () => {
    const user = userEvent.setup();
    await renderWithApp(page, {
      path: '/outbox',
      signedIn: true,
      mocks: [
        viewerAnswer({ role: 'ADMIN', permissions: ADMIN_PERMISSIONS }),
        mailboxAnswer([mail('mail_2', 'mia@demo.test', 'Office closed on Friday', '<p>The office is <strong>closed</strong>.</p>'), mail('mail_1', 'adam@demo.test', 'Welcome', null)]),
      ],
    });
    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell')[1]!.textContent)).toEqual(['mia@demo.test', 'adam@demo.test']);
    await user.click(within(table).getByRole('button', { name: 'Office closed on Friday' }));
    const opened = screen.getByRole('region', { name: 'Office closed on Friday' });
    expect(within(opened).getByRole('heading', { level: 2 })).toHaveFocus();
    expect(within(opened).getByText('closed').tagName).toBe('STRONG');
    expect(within(opened).getByText(/Office closed on Friday\./)).toBeInTheDocument();
    await user.click(within(opened).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('region', { name: 'Office closed on Friday' })).not.toBeInTheDocument();
    expect(within(table).getByRole('button', { name: 'Office closed on Friday' })).toHaveFocus();
  });

  it('explains that there is no local mailbox when mail goes out over SMTP', async () => {
    await renderWithApp(page, {
      path: '/outbox',
      signedIn: true,
      mocks: [viewerAnswer({ role: 'ADMIN', permissions: ADMIN_PERMISSIONS }), mailboxAnswer(null)],
    });
    expect(await screen.findByText('Email goes out over SMTP')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
