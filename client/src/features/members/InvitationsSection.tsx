import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { InvitationRevokeDocument, InvitationsDocument, type InvitationsQuery } from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { LoadMore } from '../../ui/LoadMore.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import { PAGE_SIZE } from './roles.ts';

type Invitation = NonNullable<InvitationsQuery['viewer']>['organization']['invitations']['nodes'][number];

/** The invitations still waiting for an answer, and withdrawing one. */
export function InvitationsSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const { data, loading, error, refetch, fetchMore } = useQuery(InvitationsDocument, { variables: { first: PAGE_SIZE, after: null } });
  const [revokeInvitation, { loading: revokeBusy }] = useMutation(InvitationRevokeDocument);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [focusHeading, setFocusHeading] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const connection = data?.viewer?.organization.invitations;
  // The list holds every invitation not yet accepted or revoked; expired ones no longer wait for anyone.
  const pending = (connection?.nodes ?? []).filter((invitation) => invitation.status === 'PENDING');

  useEffect(() => {
    if (!focusHeading) return;
    heading.current?.focus();
    setFocusHeading(false);
  }, [focusHeading]);

  async function confirmRevoke() {
    const invitation = revoking;
    if (!invitation) return;
    setRevokeError(null);
    try {
      // The answer carries the new status, which drops the invitation from the pending list in the cache.
      const { data: result } = await revokeInvitation({ variables: { input: { id: invitation.id } } });
      const payload = result?.invitationRevoke;
      if (payload && payload.userErrors.length > 0) {
        setRevokeError(payload.userErrors.map((userError) => userError.message).join(' '));
        return;
      }
      setRevoking(null);
      setNotice(t('members:invitations.revoked', { email: invitation.email }));
      setFocusHeading(true);
    } catch (failure) {
      setRevokeError(describeError(failure, t));
    }
  }

  return (
    <section className="card" aria-labelledby="members-invitations">
      <h2 id="members-invitations" ref={heading} tabIndex={-1}>
        {t('members:invitations.title')}
      </h2>
      {notice && <Alert tone="success">{notice}</Alert>}
      <QueryState loading={loading} error={error} hasData={Boolean(connection)} retry={() => void refetch()}>
        {pending.length === 0 && !connection?.pageInfo.hasNextPage ? (
          <p className="muted">{t('members:invitations.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="responsive members-table">
              <thead>
                <tr>
                  <th scope="col">{t('members:invitations.email')}</th>
                  <th scope="col">{t('members:invitations.role')}</th>
                  <th scope="col">{t('members:invitations.invitedBy')}</th>
                  <th scope="col">{t('members:invitations.expires')}</th>
                  <th scope="col">{t('members:invitations.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {pending.map((invitation) => (
                  <tr key={invitation.id}>
                    <td data-label={t('members:invitations.email')}>{invitation.email}</td>
                    <td data-label={t('members:invitations.role')}>{t(`roles:${invitation.role}.name`)}</td>
                    <td data-label={t('members:invitations.invitedBy')}>{invitation.invitedBy?.name ?? t('members:invitations.unknownInviter')}</td>
                    <td data-label={t('members:invitations.expires')}>
                      <time dateTime={invitation.expiresAt} title={format.dateTime(invitation.expiresAt)}>
                        {format.relative(invitation.expiresAt)}
                      </time>
                    </td>
                    <td data-label={t('members:invitations.actions')}>
                      <div>
                        <Button
                          variant="secondary"
                          aria-label={t('members:invitations.revokeLabel', { email: invitation.email })}
                          onClick={() => {
                            setNotice(null);
                            setRevokeError(null);
                            setRevoking(invitation);
                          }}
                        >
                          {t('members:invitations.revoke')}
                        </Button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore pageInfo={connection?.pageInfo} rows={pending.length} load={(after) => fetchMore({ variables: { after } })} />
      </QueryState>
      <ConfirmDialog
        open={revoking !== null}
        title={t('members:invitations.revokeTitle', { email: revoking?.email ?? '' })}
        confirmLabel={t('members:invitations.revokeConfirm')}
        busy={revokeBusy}
        onConfirm={() => void confirmRevoke()}
        onCancel={() => setRevoking(null)}
      >
        {revokeError && <Alert>{revokeError}</Alert>}
        <p>{t('members:invitations.revokeBody', { email: revoking?.email ?? '' })}</p>
      </ConfirmDialog>
    </section>
  );
}
