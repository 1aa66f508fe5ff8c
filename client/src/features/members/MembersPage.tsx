import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import { MembersDocument } from '../../graphql/__generated__/operations.ts';
import { useFormat } from '../../i18n/format.ts';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { InvitationsSection } from './InvitationsSection.tsx';
import { InviteSection } from './InviteSection.tsx';
import { MembersSection } from './MembersSection.tsx';
import { PAGE_SIZE } from './roles.ts';

/** Who belongs to the organization, with what role; inviting, changing roles and removing, as permissions allow. */
export default function MembersPage() {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const format = useFormat();
  const { data, loading, error, refetch, fetchMore } = useQuery(MembersDocument, { variables: { first: PAGE_SIZE, after: null } });
  const connection = data?.viewer?.organization.members;
  const total = connection?.totalCount;
  const canInvite = can('member.invite');
  return (
    <>
      <PageHeader
        title={t('members:title')}
        description={
          total === undefined ? undefined : t('members:description', { count: total, formatted: format.number(total), organization: viewer.organization.name })
        }
      />
      {canInvite ? <InviteSection /> : <p className="muted">{t('members:invite.notAllowed')}</p>}
      <MembersSection
        connection={connection}
        loading={loading}
        error={error}
        retry={() => void refetch()}
        loadMore={(after) => fetchMore({ variables: { after } })}
      />
      {canInvite && <InvitationsSection />}
    </>
  );
}
