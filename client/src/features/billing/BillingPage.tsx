import { useQuery } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import { BillingDocument } from '../../graphql/__generated__/operations.ts';
import { Alert } from '../../ui/Alert.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import { BillingContactSection } from './BillingContactSection.tsx';
import { CurrentPlanSection, type PlanNotice } from './CurrentPlanSection.tsx';
import { InvoicesSection } from './InvoicesSection.tsx';
import { PaymentMethodsSection } from './PaymentMethodsSection.tsx';
import { PlansSection } from './PlansSection.tsx';
import { UsageSection } from './UsageSection.tsx';
import './billing.css';

/**
 * The organization's billing portal: plan and its state, usage against the plan's limits, changing
 * plan, payment methods, the billing contact and invoices. Everyone with billing.read sees it all;
 * only billing.manage may act.
 */
export default function BillingPage() {
  const { t } = useTranslation();
  const { can } = useViewer();
  const canManage = can('billing.manage');
  const billing = useQuery(BillingDocument);
  const organization = billing.data?.viewer?.organization;
  const [planNotice, setPlanNotice] = useState<PlanNotice | null>(null);
  const planHeading = useRef<HTMLHeadingElement>(null);

  // Runs after the children's effects, so a dialog that closed in the same update has let go of focus.
  useEffect(() => {
    if (planNotice) planHeading.current?.focus();
  }, [planNotice]);

  return (
    <>
      <PageHeader title={t('billing:title')} description={t('billing:description')} />
      {!canManage && (
        <Alert tone="info" title={t('billing:readOnly.title')}>
          {t('billing:readOnly.body')}
        </Alert>
      )}
      <QueryState loading={billing.loading} error={billing.error} hasData={Boolean(organization)} retry={() => void billing.refetch()}>
        {organization && billing.data && (
          <>
            <CurrentPlanSection
              subscription={organization.subscription}
              paymentMethods={organization.paymentMethods}
              canManage={canManage}
              headingRef={planHeading}
              notice={planNotice}
              onNotice={setPlanNotice}
            />
            <UsageSection entitlements={organization.entitlements} seatUsage={organization.seatUsage} usage={organization.usage} />
            <PlansSection
              subscription={organization.subscription}
              seatUsage={organization.seatUsage}
              customerCurrency={organization.billingCustomer.currency}
              paymentMethods={organization.paymentMethods}
              canManage={canManage}
              onNotice={setPlanNotice}
            />
            <PaymentMethodsSection
              paymentMethods={organization.paymentMethods}
              provider={billing.data.billingProvider}
              customer={organization.billingCustomer}
              canManage={canManage}
            />
            <BillingContactSection customer={organization.billingCustomer} canManage={canManage} />
          </>
        )}
      </QueryState>
      <InvoicesSection canManage={canManage} />
    </>
  );
}
