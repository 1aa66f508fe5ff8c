import { isReference, type ErrorLike, type Reference } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthProvider.tsx';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import {
  MemberRemoveDocument,
  MembersDocument,
  MemberUpdateDocument,
  ViewerDocument,
  type MembersQuery,
  type Role,
} from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { LoadMore } from '../../ui/LoadMore.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import { assignableRoles } from './roles.ts';

type MemberConnection = NonNullable<MembersQuery['viewer']>['organization']['members'];
type Member = MemberConnection['nodes'][number];

/** Why a member's role and membership cannot be touched by this viewer, if they cannot. */
type Lock = 'lastOwner' | 'ownerOnly' | null;

function lockOf(member: Member, viewerRole: Role | null | undefined): Lock {
  if (member.isLastOwner) return 'lastOwner';
  if (member.role === 'OWNER' && viewerRole !== 'OWNER') return 'ownerOnly';
  return null;
}

interface MembersSectionProps {
  connection: MemberConnection | undefined;
  loading: boolean;
  error: ErrorLike | undefined;
  retry(): void;
  loadMore(after: string): Promise<unknown>;
}

export function MembersSection({ connection, loading, error, retry, loadMore }: MembersSectionProps) {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const { signOut } = useAuth();
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [focusHeading, setFocusHeading] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const table = useRef<HTMLTableElement>(null);
  const [removeMember, { loading: removeBusy }] = useMutation(MemberRemoveDocument);
  const canUpdate = can('member.update');
  const canRemove = can('member.remove');
  const nodes = connection?.nodes ?? [];

  // After the dialog has closed (its effect runs first), the removed row's button is gone: land on the section.
  useEffect(() => {
    if (!focusHeading) return;
    heading.current?.focus();
    setFocusHeading(false);
  }, [focusHeading]);

  async function confirmRemove() {
    const member = removing;
    if (!member) return;
    setRemoveError(null);
    try {
      const { data } = await removeMember({
        variables: { input: { id: member.id } },
        update(cache, result) {
          const removedId = result.data?.memberRemove.removedMemberId;
          if (!removedId) return;
          cache.modify<{ members: { totalCount: number; nodes: Reference[] } }>({
            id: cache.identify({ __typename: 'Organization', id: viewer.organization.id }),
            fields: {
              members: (existing, { readField }) =>
                isReference(existing)
                  ? existing
                  : {
                      ...existing,
                      totalCount: Math.max(0, existing.totalCount - 1),
                      nodes: existing.nodes.filter((node) => readField('id', node) !== removedId),
                    },
            },
          });
          cache.evict({ id: cache.identify({ __typename: 'Member', id: removedId }) });
          cache.gc();
        },
      });
      const payload = data?.memberRemove;
      if (payload && payload.userErrors.length > 0) {
        setRemoveError(payload.userErrors.map((userError) => userError.message).join(' '));
        return;
      }
      setRemoving(null);
      if (member.user.id === viewer.user?.id) {
        // Leaving ends this session's access to the organization: the server has revoked its tokens.
        await signOut();
        return;
      }
      setNotice(t('members:list.removed', { name: member.user.name, organization: viewer.organization.name }));
      setFocusHeading(true);
    } catch (failure) {
      setRemoveError(describeError(failure, t));
    }
  }

  const isSelf = removing?.user.id === viewer.user?.id;
  return (
    <section className="card" aria-labelledby="members-list">
      <h2 id="members-list" ref={heading} tabIndex={-1}>
        {t('members:list.title')}
      </h2>
      {notice && <Alert tone="success">{notice}</Alert>}
      <QueryState loading={loading} error={error} hasData={Boolean(connection)} retry={retry}>
        <div className="table-wrap">
          <table className="responsive members-table" ref={table}>
            <thead>
              <tr>
                <th scope="col">{t('members:list.name')}</th>
                <th scope="col">{t('members:list.email')}</th>
                <th scope="col">{t('members:list.role')}</th>
                <th scope="col">{t('members:list.joined')}</th>
                {canRemove && <th scope="col">{t('members:list.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {nodes.map((member) => (
                <MemberRow
                  key={member.id}
                  member={member}
                  isSelf={member.user.id === viewer.user?.id}
                  canUpdate={canUpdate}
                  canRemove={canRemove}
                  onChanged={(message) => setNotice(message)}
                  onRemove={() => {
                    setNotice(null);
                    setRemoveError(null);
                    setRemoving(member);
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
        <LoadMore pageInfo={connection?.pageInfo} rows={nodes.length} load={loadMore} table={table} />
      </QueryState>
      <ConfirmDialog
        open={removing !== null}
        title={t('members:list.removeTitle', { name: removing?.user.name ?? '' })}
        confirmLabel={t('members:list.removeConfirm')}
        busy={removeBusy}
        onConfirm={() => void confirmRemove()}
        onCancel={() => setRemoving(null)}
      >
        {removeError && <Alert>{removeError}</Alert>}
        <p>
          {isSelf
            ? t('members:list.removeSelf', { organization: viewer.organization.name })
            : t('members:list.removeBody', { name: removing?.user.name ?? '', organization: viewer.organization.name })}
        </p>
      </ConfirmDialog>
    </section>
  );
}

interface MemberRowProps {
  member: Member;
  isSelf: boolean;
  canUpdate: boolean;
  canRemove: boolean;
  onChanged(message: string): void;
  onRemove(): void;
}

function MemberRow({ member, isSelf, canUpdate, canRemove, onChanged, onRemove }: MemberRowProps) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const format = useFormat();
  const id = useId();
  const [updateMember] = useMutation(MemberUpdateDocument);
  const [pending, setPending] = useState<Role | null>(null);
  const [error, setError] = useState<string | null>(null);
  const name = member.user.name;
  const lock = lockOf(member, viewer.role);
  const note = lock && (canUpdate || canRemove) ? t(`members:list.${lock}`) : null;
  const noteId = note ? `${id}-note` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const roles = assignableRoles(viewer.role);
  const options = roles.includes(member.role) ? roles : [member.role, ...roles];

  async function changeRole(role: Role) {
    if (pending || role === member.role) return;
    setPending(role);
    setError(null);
    // Ownership changes move "the last owner" to someone else; one's own role decides one's permissions.
    const refetch = [...(member.role === 'OWNER' || role === 'OWNER' ? [MembersDocument] : []), ...(isSelf ? [ViewerDocument] : [])];
    try {
      const { data } = await updateMember({ variables: { input: { id: member.id, role } }, refetchQueries: refetch });
      const payload = data?.memberUpdate;
      if (payload && payload.userErrors.length > 0) setError(payload.userErrors.map((userError) => userError.message).join(' '));
      else onChanged(t('members:list.roleChanged', { name, role: t(`roles:${role}.name`) }));
    } catch (failure) {
      setError(describeError(failure, t));
    } finally {
      setPending(null);
    }
  }

  return (
    <tr>
      <td data-label={t('members:list.name')} tabIndex={-1}>
        <span>
          {name}
          {isSelf && <span className="muted"> {t('members:list.you')}</span>}
        </span>
      </td>
      <td data-label={t('members:list.email')}>{member.user.email}</td>
      <td data-label={t('members:list.role')}>
        <div>
          {canUpdate ? (
            <div className="member-role">
              <label htmlFor={`${id}-role`} className="visually-hidden">
                {t('members:list.roleOf', { name })}
              </label>
              <select
                id={`${id}-role`}
                value={pending ?? member.role}
                disabled={lock !== null}
                aria-busy={pending ? true : undefined}
                aria-invalid={error ? true : undefined}
                aria-describedby={[errorId, noteId].filter(Boolean).join(' ') || undefined}
                onChange={(event) => void changeRole(event.target.value as Role)}
              >
                {options.map((role) => (
                  <option key={role} value={role}>
                    {t(`roles:${role}.name`)}
                  </option>
                ))}
              </select>
              {pending && (
                <span className="member-role__saving" role="status">
                  <span className="spinner" aria-hidden="true" /> {t('members:list.saving')}
                </span>
              )}
            </div>
          ) : (
            t(`roles:${member.role}.name`)
          )}
          {error && (
            <p className="field__error" id={errorId}>
              {error}
            </p>
          )}
          {note && (
            <p className="field__hint member-role__note" id={noteId}>
              {note}
            </p>
          )}
        </div>
      </td>
      <td data-label={t('members:list.joined')}>
        <time dateTime={member.joinedAt}>{format.date(member.joinedAt)}</time>
      </td>
      {canRemove && (
        <td data-label={t('members:list.actions')}>
          <div>
            <Button variant="secondary" aria-label={t('members:list.removeLabel', { name })} aria-describedby={noteId} disabled={lock !== null} onClick={onRemove}>
              {t('members:list.remove')}
            </Button>
          </div>
        </td>
      )}
    </tr>
  );
}
